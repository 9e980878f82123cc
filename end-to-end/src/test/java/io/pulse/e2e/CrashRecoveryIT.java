package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.pulse.stack.services.Service;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once across crashes: 100,000 events go in while the aggregation service is killed with SIGKILL twice and
 * restarted; the final buckets must equal an independent computation over the raw events exactly, on the partitions
 * ingest wrote and through a repartition topic.
 */
class CrashRecoveryIT {

    private static final int EVENTS = 100_000;

    /** Read in place: its schema path is relative to it. */
    @RegisterExtension
    static final RunningStack platform = new RunningStack(
            TestStacks.HOME.resolve("end-to-end/src/test/resources/crash-pipeline.yaml").toString(), 2);

    @Test
    void bucketsAfterTwoCrashesEqualAComputationOverTheRawEvents() {
        TranslationWorkload workload = new TranslationWorkload(EVENTS, 5);
        workload.send(platform.client(), platform.data(), 10, chunk -> {
            if (chunk == 3 || chunk == 7) {
                // Mid-stream: the service is still working through what was just sent.
                platform.stack().restart(Service.AGGREGATION, true, System.out);
            }
        });

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(platform.client()) == EVENTS);
        workload.assertDeliveryTimeBuckets(platform.client());
        var expected = workload.expected();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Double> distinct = TranslationWorkload.byClientAndMinute(platform.client(), "languages", "distinct");
            assertThat(distinct).hasSameSizeAs(expected);
            expected.forEach((key, x) -> assertThat(distinct.get(key)).as(key).isEqualTo((double) x.languages().size()));
        });
        // Through a repartition topic, with the partitions' event-time clocks restored after each crash: every
        // event counted once, so none was late either.
        Map<String, Long> counts = new HashMap<>();
        Map<String, Double> sums = new HashMap<>();
        for (TranslationWorkload.Event e : workload.events) {
            String key = e.language() + "@" + e.ts().truncatedTo(ChronoUnit.MINUTES);
            counts.merge(key, 1L, Long::sum);
            sums.merge(key, (double) e.duration(), Double::sum);
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Double> count = TranslationWorkload.byGroupAndMinute(platform.client(), "by_language", "count", "target_language");
            Map<String, Double> sum = TranslationWorkload.byGroupAndMinute(platform.client(), "by_language", "sum", "target_language");
            assertThat(count).hasSameSizeAs(counts);
            counts.forEach((key, n) -> assertThat(count.get(key)).as("count " + key).isEqualTo((double) n));
            sums.forEach((key, x) -> assertThat(sum.get(key)).as("sum " + key).isCloseTo(x, within(1e-6)));
        });
    }
}
