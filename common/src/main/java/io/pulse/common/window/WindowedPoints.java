package io.pulse.common.window;

import io.pulse.common.bucket.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.function.BiConsumer;

/**
 * The points of a series and the buckets each one covers: a plain series' point at T covers the buckets starting in
 * {@code [T, T + step)}, a moving window's point at T those starting in {@code [T − window, T)}. The buckets under a
 * point are merged, so averages come from summed sums and counts, never from averaged averages.
 *
 * @param from   the first point, inclusive
 * @param to     the end of the points, exclusive
 * @param step   the distance between points
 * @param window how far back a moving point looks; null for a plain series
 */
public record WindowedPoints(Instant from, Instant to, Duration step, Duration window) {

    /** Calls {@code point} in time order with each point's time and the merge of the buckets it covers. */
    public void forEach(NavigableMap<Instant, Bucket> bucketsByStart, BiConsumer<Instant, Bucket> point) {
        boolean moving = window != null;
        for (Instant ts = from; ts.isBefore(to); ts = ts.plus(step)) {
            Instant first = moving ? ts.minus(window) : ts;
            Instant end = moving ? ts : ts.plus(step);
            Bucket merged = Bucket.EMPTY;
            for (Bucket b : bucketsByStart.subMap(first, true, end, false).values()) {
                merged = merged.merge(b);
            }
            point.accept(ts, merged);
        }
    }
}
