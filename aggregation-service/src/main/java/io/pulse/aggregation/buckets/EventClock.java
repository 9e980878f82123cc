package io.pulse.aggregation.buckets;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The event-time clock by which a metric's buckets close: the slowest of its sources' clocks. A source is an input
 * partition of the event topic; its clock is the latest event time seen from it, advanced by the wall-clock time since
 * its last event.
 *
 * <p>Without a repartition a task reads one partition, so there is one source and this is stream time plus the idle
 * advance. Through a repartition topic the events of every partition interleave, each partition at its own event
 * time; while a backlog is read one partition can run minutes of event time ahead of another. Stream time there is
 * the fastest partition's, and would make the slower one's events late; the slowest source's clock does not (the
 * watermark of stream processors that merge inputs).
 *
 * <p>A source that went quiet while behind the others (the end of a backfill of old events) would hold the clock,
 * and every bucket, back by its lag for as long as it stays quiet; one quiet for longer than the idle time is left
 * out, as stream processors treat idle inputs. When all are, the clock is the fastest one's, which for a single
 * source is stream time plus the time it has been quiet. A source never heard from cannot hold the clock back either,
 * which is why the sources are also kept in a store across restarts. The clock never goes back: a source heard again
 * after being left out, or heard for the first time, behind it has its events judged by it.
 */
final class EventClock {

    static final long NONE = Long.MIN_VALUE;
    /** Restored, not yet read at a wall-clock time: quiet from the first reading on. */
    private static final long RESTORED = Long.MIN_VALUE;

    private final long idleAfter;

    /** By source partition: the latest event time, and the wall-clock time of the event that brought it. */
    private long[] latest = new long[0];
    private long[] heardAt = new long[0];
    private long clock = NONE;

    /** @param idleAfter milliseconds of wall-clock time after which a quiet source no longer holds the clock back */
    EventClock(long idleAfter) {
        this.idleAfter = idleAfter;
    }

    /** An event from {@code source}. */
    void advance(int source, long eventTime, long wallClock) {
        grow(source);
        latest[source] = Math.max(latest[source], eventTime);
        heardAt[source] = wallClock;
    }

    /**
     * A source as it was before a restart: quiet from the clock's next reading on until its next event. (Not from a
     * wall-clock time given here: while a task initializes, Kafka Streams' cached wall-clock time can still be zero.)
     */
    void restore(int source, long eventTime) {
        grow(source);
        latest[source] = eventTime;
        heardAt[source] = RESTORED;
    }

    /** The clock at {@code wallClock}, or {@link #NONE} before any event. */
    long at(long wallClock) {
        long slowestActive = NONE;
        long fastest = NONE;
        for (int source = 0; source < latest.length; source++) {
            if (latest[source] != NONE) {
                if (heardAt[source] == RESTORED) {
                    heardAt[source] = wallClock;
                }
                long quiet = Math.max(0, wallClock - heardAt[source]);
                long sourceClock = latest[source] + quiet;
                fastest = Math.max(fastest, sourceClock);
                if (quiet <= idleAfter) {
                    slowestActive = slowestActive == NONE ? sourceClock : Math.min(slowestActive, sourceClock);
                }
            }
        }
        clock = Math.max(clock, slowestActive != NONE ? slowestActive : fastest);
        return clock;
    }

    /** Every source heard from, with its latest event time. */
    void forEachSource(BiConsumer<Integer, Long> action) {
        for (int source = 0; source < latest.length; source++) {
            if (latest[source] != NONE) {
                action.accept(source, latest[source]);
            }
        }
    }

    private void grow(int source) {
        if (source < 0) {
            throw new IllegalArgumentException("no partition " + source);
        }
        if (source >= latest.length) {
            int before = latest.length;
            latest = Arrays.copyOf(latest, source + 1);
            heardAt = Arrays.copyOf(heardAt, source + 1);
            Arrays.fill(latest, before, latest.length, NONE);
        }
    }
}
