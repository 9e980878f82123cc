package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.stack.services.Service;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once through an ingest crash: clients send many requests of {@code song_play}, a type without an id (so
 * nothing downstream could drop a repeat), each with its own Idempotency-Key, and resend on any failure until they
 * get a 202, while the ingest service is killed with SIGKILL mid-request and restarted. Every event of every request
 * must be counted exactly once, per song and day, against the counts computed from what the client sent.
 */
class IngestCrashIT {

    private static final int REQUESTS = 60;
    private static final int EVENTS_PER_REQUEST = 1_000;
    private static final int SENDERS = 4;

    @RegisterExtension
    static final RunningStack platform = new RunningStack(TestStacks.HOME.resolve("pipeline/pulse.yaml").toString(), 2);

    @Test
    void everyRequestCountsOnceThroughAnIngestCrash() throws Exception {
        run("crash", 0);
    }

    /** A client that never saw its 202 (a reply lost on the way) resends; the resend must count nothing. */
    @Test
    void everyRequestCountsOnceWhenRepliesAreLostToo() throws Exception {
        run("lost", 3);
    }

    private void run(String songs, int loseEveryN) throws Exception {
        ResentPlays plays = new ResentPlays(songs, REQUESTS, EVENTS_PER_REQUEST, loseEveryN);
        plays.start(() -> platform.stack().url(Service.INGEST), SENDERS);
        await().atMost(Duration.ofMinutes(2)).until(() -> plays.acknowledgedRequests.get() >= REQUESTS / 3);
        long killedAt = System.nanoTime();
        platform.stack().restart(Service.INGEST, true, System.out);
        long recovered = System.nanoTime() - killedAt;
        plays.awaitAcknowledged();

        long total = plays.total();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> plays.countedTotal(platform.client()) >= total);
        // Whatever was still on its way has arrived by now; a repeat would show as a count above the expected one.
        Thread.sleep(5_000);
        Map<String, Long> counted = plays.counted(platform.client());
        long aggregated = counted.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("[%s] events sent %d (in %d attempts of %d requests), acknowledged %d, aggregated %d;"
                        + " replies replayed %d; ingest ready again %.1f s after the kill%n",
                songs, plays.eventsSent.get(), plays.attempts.get(), REQUESTS, plays.acknowledgedEvents.get(),
                aggregated, plays.replayed.get(), recovered / 1e9);
        assertThat(plays.acknowledgedEvents.get()).isEqualTo(total);
        assertThat(plays.attempts.get()).as("some requests were resent").isGreaterThan(REQUESTS);
        assertThat(counted).isEqualTo(plays.expected());
        assertThat(aggregated).isEqualTo(total);
    }
}
