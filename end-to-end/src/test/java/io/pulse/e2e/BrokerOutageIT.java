package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker stops for 20 seconds while clients send song plays, a type without an id field, each request
 * with its own Idempotency-Key and resent until it is answered 202. Requests in flight when the broker goes are
 * answered 503 or cut; once the broker is back, every event must be counted exactly once, per song and day.
 */
class BrokerOutageIT {

    private static final int REQUESTS = 120;
    private static final int EVENTS_PER_REQUEST = 400;
    private static final int SENDERS = 4;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void everyAcknowledgedPlayCountsOnceAfterTheBrokerComesBack() throws Exception {
        ResentPlays plays = new ResentPlays("outage", REQUESTS, EVENTS_PER_REQUEST, 0);
        plays.start(() -> platform.stack().url(Service.INGEST), SENDERS);
        await().atMost(Duration.ofMinutes(2)).until(() -> plays.acknowledgedRequests.get() >= REQUESTS / 3);
        platform.stack().stopKafka();
        long acknowledgedBefore = plays.acknowledgedRequests.get();
        Thread.sleep(OUTAGE.toMillis());
        long unansweredWhenBack = REQUESTS - plays.acknowledgedRequests.get();
        platform.stack().startKafka();
        long backAt = System.nanoTime();
        await().atMost(Duration.ofMinutes(3)).until(() -> plays.acknowledgedRequests.get() > acknowledgedBefore);
        long firstAnswer = System.nanoTime() - backAt;
        plays.awaitAcknowledged();

        long total = plays.total();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> plays.countedTotal(platform.client()) >= total);
        Thread.sleep(5_000); // a repeat still on its way would show as a count above the expected one
        Map<String, Long> counted = plays.counted(platform.client());
        long aggregated = counted.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("[broker outage] events sent %d (in %d attempts of %d requests), acknowledged %d, "
                        + "aggregated %d; first 202 %.1f s after the broker was back%n", plays.eventsSent.get(),
                plays.attempts.get(), REQUESTS, plays.acknowledgedEvents.get(), aggregated, firstAnswer / 1e9);
        assertThat(plays.acknowledgedEvents.get()).isEqualTo(total);
        // Requests the outage met either waited for the broker (within the ack timeout) or were answered 503 and
        // resent: either way some were still to be answered when it came back.
        assertThat(unansweredWhenBack).as("requests still to be answered when the broker came back").isPositive();
        assertThat(counted).isEqualTo(plays.expected());
        assertThat(aggregated).isEqualTo(total);
    }
}
