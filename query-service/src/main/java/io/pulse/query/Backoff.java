package io.pulse.query;

import java.time.Duration;

/** Pauses between attempts at PostgreSQL while it is unavailable: doubling from the first, up to the longest. */
public final class Backoff {

    private final Duration first;
    private final Duration longest;
    private Duration next;

    public Backoff(QueryConfig config) {
        this.first = config.storeRetryBackoff();
        this.longest = config.storeRetryMaxBackoff();
        this.next = first;
    }

    /** The pause before the next attempt; the one after is twice as long, up to the longest. */
    public Duration next() {
        Duration pause = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(longest) > 0 ? longest : doubled;
        return pause;
    }

    /** An attempt succeeded: the next pause is the first again. */
    public void reset() {
        next = first;
    }
}
