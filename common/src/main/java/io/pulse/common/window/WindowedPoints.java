package io.pulse.common.window;

import io.pulse.common.bucket.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BiConsumer;

/**
 * The points of a series and the buckets each one covers: point {@code i} at {@link #time} covers the buckets starting
 * in {@code [coveredFrom(i), coveredUntil(i))}. A plain series' point at T covers {@code [T, next point)}, a moving
 * window's {@code [T − window, T)}, a running total's {@code [start of its period, next point)}. The buckets under a
 * point are merged, so averages come from summed sums and counts, never from averaged averages.
 *
 * <p>Both ends only move forward from one point to the next, which {@link #forEach} relies on.
 */
public final class WindowedPoints {

    private final long[] times;
    private final long[] coveredFrom;
    private final long[] coveredUntil;

    /**
     * @param times        each point's time, in epoch milliseconds, increasing
     * @param coveredFrom  the first bucket start each point covers, inclusive, never decreasing
     * @param coveredUntil the end of the bucket starts each point covers, exclusive, never decreasing
     */
    public WindowedPoints(long[] times, long[] coveredFrom, long[] coveredUntil) {
        if (times.length != coveredFrom.length || times.length != coveredUntil.length) {
            throw new IllegalArgumentException("one time and one covered span per point");
        }
        this.times = times;
        this.coveredFrom = coveredFrom;
        this.coveredUntil = coveredUntil;
    }

    /**
     * Points every {@code step} from {@code from} while before {@code to}: a plain series ({@code window} null) or a
     * moving window looking {@code window} back.
     */
    public static WindowedPoints every(Instant from, Instant to, Duration step, Duration window) {
        List<Long> ts = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
            ts.add(t.toEpochMilli());
        }
        long[] times = ts.stream().mapToLong(Long::longValue).toArray();
        long[] first = new long[times.length];
        long[] until = new long[times.length];
        for (int i = 0; i < times.length; i++) {
            first[i] = window == null ? times[i] : times[i] - window.toMillis();
            until[i] = window == null ? times[i] + step.toMillis() : times[i];
        }
        return new WindowedPoints(times, first, until);
    }

    public int size() {
        return times.length;
    }

    /** The time of point {@code i}, in epoch milliseconds. */
    public long time(int i) {
        return times[i];
    }

    public long coveredFrom(int i) {
        return coveredFrom[i];
    }

    public long coveredUntil(int i) {
        return coveredUntil[i];
    }

    /**
     * Calls {@code point} in time order with each point's time and the merge of the buckets it covers. The buckets
     * are listed once, in start order; each point's are then a run of that list between two cursors that only move
     * forward, instead of a sub-map looked up per point (a fifth of the query service's CPU on a day of one-minute
     * points, JFR). A point covering from where the one before did (a running total) merges only the buckets added
     * since, so a day of running minutes costs one pass, not one per minute.
     */
    public void forEach(NavigableMap<Instant, Bucket> bucketsByStart, BiConsumer<Instant, Bucket> point) {
        if (times.length == 0) {
            return;
        }
        Collection<Map.Entry<Instant, Bucket>> needed = bucketsByStart
                .tailMap(Instant.ofEpochMilli(coveredFrom[0]), true).entrySet();
        long[] starts = new long[needed.size()];
        Bucket[] buckets = new Bucket[needed.size()];
        int n = 0;
        for (Map.Entry<Instant, Bucket> e : needed) {
            starts[n] = e.getKey().toEpochMilli();
            buckets[n++] = e.getValue();
        }
        int first = 0; // the first bucket starting at or after the point's first covered instant
        int end = 0;   // the first bucket starting at or after the point's covered end
        Bucket merged = Bucket.EMPTY;
        for (int p = 0; p < times.length; p++) {
            boolean continues = p > 0 && coveredFrom[p] == coveredFrom[p - 1];
            while (first < n && starts[first] < coveredFrom[p]) {
                first++;
            }
            int mergedUpTo = continues ? end : first;
            if (!continues) {
                merged = Bucket.EMPTY;
            }
            end = Math.max(end, first);
            while (end < n && starts[end] < coveredUntil[p]) {
                end++;
            }
            for (int i = mergedUpTo; i < end; i++) {
                merged = merged.merge(buckets[i]);
            }
            point.accept(Instant.ofEpochMilli(times[p]), merged);
        }
    }
}
