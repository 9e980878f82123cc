package io.pulse.query.series;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.window.WindowedPoints;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated question about one metric: its points and the buckets each covers, or for an export, whose points are
 * too many to list, a fixed step from {@code from}.
 *
 * @param metric  the metric asked about
 * @param agg     what to compute per point
 * @param points  the points and the buckets each covers; null for an export
 * @param step    an export's distance between points, a multiple of the granularity; null otherwise
 * @param from    first point, inclusive
 * @param to      end of the points, exclusive
 * @param zone    the zone the points' times are written in; null for UTC
 * @param groupBy the group fields kept apart; the others roll up
 * @param where   accepted values per group field
 */
public record SeriesRequest(Metric metric, Aggregation agg, WindowedPoints points, Duration step, Instant from,
                            Instant to, ZoneId zone, List<String> groupBy, Map<String, Set<String>> where) {

    /** A question answered point by point: a series, a moving window, a running total, a ranking's one point. */
    public static SeriesRequest of(Metric metric, Aggregation agg, WindowedPoints points, Instant to, ZoneId zone,
                                   List<String> groupBy, Map<String, Set<String>> where) {
        Instant from = Instant.ofEpochMilli(points.time(0));
        return new SeriesRequest(metric, agg, points, null, from, to, zone, groupBy, where);
    }

    /** An export: every {@code step} from {@code from} while before {@code to}. */
    public static SeriesRequest export(Metric metric, Aggregation agg, Duration step, Instant from, Instant to,
                                       List<String> groupBy, Map<String, Set<String>> where) {
        return new SeriesRequest(metric, agg, null, step, from, to, null, groupBy, where);
    }

    /** The first bucket start any point draws on. */
    public Instant firstBucket() {
        return points == null ? from : Instant.ofEpochMilli(points.coveredFrom(0));
    }

    /** The end of the bucket starts the points draw on, exclusive. */
    public Instant endOfBuckets() {
        return points == null ? lastPoint().plus(step) : Instant.ofEpochMilli(points.coveredUntil(points.size() - 1));
    }

    /** Whether every span a point covers starts and ends on a multiple of {@code unitMillis} since the epoch. */
    public boolean coversWhole(long unitMillis) {
        if (points == null) {
            return step.toMillis() % unitMillis == 0 && from.toEpochMilli() % unitMillis == 0;
        }
        for (int i = 0; i < points.size(); i++) {
            if (points.coveredFrom(i) % unitMillis != 0 || points.coveredUntil(i) % unitMillis != 0) {
                return false;
            }
        }
        return true;
    }

    public long pointCount() {
        return points == null ? Math.max(0, (Duration.between(from, to).toMillis() + step.toMillis() - 1) / step.toMillis())
                : points.size();
    }

    private Instant lastPoint() {
        long steps = (Duration.between(from, to).toMillis() - 1) / step.toMillis();
        return from.plusMillis(steps * step.toMillis());
    }
}
