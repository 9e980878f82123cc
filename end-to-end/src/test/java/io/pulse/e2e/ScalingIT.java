package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two aggregation instances split the partitions between them and give the same answers as one. */
class ScalingIT {

    private static final int EVENTS = 20_000;
    private static final Pattern AGGREGATED = Pattern.compile(
            "pulse_aggregation_events_total\\{[^}]*outcome=\"aggregated\"[^}]*} ([0-9.E]+)");

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 4);

    private static ServiceProcess second;

    @BeforeAll
    static void start() {
        second = platform.stack().startInstance(Service.AGGREGATION, Ports.free(), "aggregation-2", System.out);
    }

    @Test
    void twoInstancesShareTheWorkAndAgreeWithTheRawEvents() throws Exception {
        // Both instances must be running (not rebalancing) before the events go in.
        await().atMost(Duration.ofMinutes(2)).until(() -> platform.client().isReady(second.managementUrl())
                && platform.client().isReady(platform.stack().managementUrl(Service.AGGREGATION)));
        TranslationWorkload workload = new TranslationWorkload(EVENTS, 9);
        workload.send(platform.client(), platform.data(), 4, chunk -> { });

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(platform.client()) == EVENTS);
        workload.assertDeliveryTimeBuckets(platform.client());
        assertThat(aggregated(platform.stack().managementUrl(Service.AGGREGATION))).as("first instance").isPositive();
        assertThat(aggregated(second.managementUrl())).as("second instance").isPositive();
    }

    /** Events this instance put into buckets, from its Prometheus metrics (on its management interface). */
    private static double aggregated(String url) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(TestStacks.request(URI.create(url + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double total = 0;
        Matcher m = AGGREGATED.matcher(metrics);
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
