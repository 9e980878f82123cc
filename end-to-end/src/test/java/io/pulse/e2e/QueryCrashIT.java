package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query service killed with SIGKILL twice while it stores what 50,000 events change: each batch it was
 * storing is rolled back and read again, so every minute bucket and the hour and day roll-ups, which move by the
 * difference each stored change makes, must still equal a computation over the raw events.
 */
class QueryCrashIT {

    private static final int EVENTS = 50_000;

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void bucketsAndRollupsAfterTwoCrashesEqualTheRawEvents() {
        TranslationWorkload workload = new TranslationWorkload(EVENTS, 11);
        workload.send(platform.client(), platform.data(), 10, chunk -> {
            if (chunk == 3 || chunk == 7) {
                platform.stack().restart(Service.QUERY, true, System.out);
            }
        });

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(platform.client()) == EVENTS);
        workload.assertDeliveryTimeBuckets(platform.client());

        Map<String, double[]> hourly = new HashMap<>(); // client@hour → {count, sum}
        for (TranslationWorkload.Event e : workload.events) {
            double[] x = hourly.computeIfAbsent(e.client() + "@" + e.ts().truncatedTo(ChronoUnit.HOURS), k -> new double[2]);
            x[0]++;
            x[1] += e.duration();
        }
        JsonNode answer = platform.client().query("/v1/metrics/delivery_time/series?agg=sum&step=1h&group_by=client_name"
                + "&from=2024-01-01T00:00:00Z&to=2024-01-01T04:00:00Z");
        Map<String, double[]> stored = new HashMap<>();
        for (JsonNode series : answer.path("series")) {
            for (JsonNode p : series.path("points")) {
                if (p.path("count").asLong() > 0) {
                    stored.put(series.path("group").path("client_name").asText() + "@" + p.path("ts").asText(),
                            new double[] {p.path("count").asDouble(), p.path("value").asDouble()});
                }
            }
        }
        assertThat(stored.keySet()).isEqualTo(hourly.keySet());
        hourly.forEach((key, x) -> {
            assertThat(stored.get(key)[0]).as("count " + key).isEqualTo(x[0]);
            assertThat(stored.get(key)[1]).as("sum " + key).isCloseTo(x[1], within(1e-6));
        });
        System.out.printf("[query crash] events sent %,d, acknowledged %,d, counted %,d after two SIGKILLs%n", EVENTS,
                EVENTS, TranslationWorkload.counted(platform.client()));
    }
}
