package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.stack.LocalStack;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across crashes: 100,000 events go in while the aggregation service is killed with SIGKILL twice and
 * restarted; the final buckets must equal an independent computation over the raw events exactly.
 */
class CrashRecoveryIT {

    private static final int EVENTS = 100_000;

    @TempDir
    static Path data;

    private static LocalStack stack;
    private static PulseClient client;

    @BeforeAll
    static void start() {
        // Read in place: its schema path is relative to it.
        String pipeline = TestStacks.HOME.resolve("end-to-end/src/test/resources/crash-pipeline.yaml").toString();
        stack = TestStacks.start(data, pipeline, 2);
        client = TestStacks.client(stack);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void bucketsAfterTwoCrashesEqualAComputationOverTheRawEvents() {
        TranslationWorkload workload = new TranslationWorkload(EVENTS, 5);
        workload.send(client, data, 10, chunk -> {
            if (chunk == 3 || chunk == 7) {
                // Mid-stream: the service is still working through what was just sent.
                stack.restart(Service.AGGREGATION, true, System.out);
            }
        });

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(client) == EVENTS);
        workload.assertDeliveryTimeBuckets(client);
        var expected = workload.expected();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Double> distinct = TranslationWorkload.byClientAndMinute(client, "languages", "distinct");
            assertThat(distinct).hasSameSizeAs(expected);
            expected.forEach((key, x) -> assertThat(distinct.get(key)).as(key).isEqualTo((double) x.languages().size()));
        });
    }
}
