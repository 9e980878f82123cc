package io.pulse.query.series;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.window.WindowedPoints;
import io.pulse.query.time.CalendarStep;
import io.pulse.query.time.FixedStep;
import io.pulse.query.time.Step;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated question about one metric: its points and the buckets each covers, or for an export, whose points are
 * too many to list, a step from {@code from}: a fixed duration, or a unit of the calendar whose points fall on its
 * boundaries.
 *
 * @param metric  the metric asked about
 * @param agg     what to compute per point
 * @param points  the points and the buckets each covers; null for an export
 * @param step    an export's step (a multiple of the granularity, or of the calendar); null otherwise
 * @param from    first point, inclusive
 * @param to      end of the points, exclusive
 * @param zone    the zone the points' times are written in; null for UTC
 * @param groupBy the group fields kept apart; the others roll up
 * @param where   accepted values per group field
 */
public record SeriesRequest(Metric metric, Aggregation agg, WindowedPoints points, Step step, Instant from,
                            Instant to, ZoneId zone, List<String> groupBy, Map<String, Set<String>> where) {

    /** A question answered point by point: a series, a moving window, a running total, a ranking's one point. */
    public static SeriesRequest of(Metric metric, Aggregation agg, WindowedPoints points, Instant to, ZoneId zone,
                                   List<String> groupBy, Map<String, Set<String>> where) {
        Instant from = Instant.ofEpochMilli(points.time(0));
        return new SeriesRequest(metric, agg, points, null, from, to, zone, groupBy, where);
    }

    /**
     * An export: every point of {@code step} from its first at or before {@code from} ({@link Step#first}: {@code from}
     * itself for a fixed step) while before {@code to}, times written in {@code zone} (null for UTC).
     */
    public static SeriesRequest export(Metric metric, Aggregation agg, Step step, Instant from, Instant to, ZoneId zone,
                                       List<String> groupBy, Map<String, Set<String>> where) {
        return new SeriesRequest(metric, agg, null, step, step.first(from), to, zone, groupBy, where);
    }

    /** The first bucket start any point draws on. */
    public Instant firstBucket() {
        return points == null ? from : Instant.ofEpochMilli(points.coveredFrom(0));
    }

    /** The end of the bucket starts the points draw on, exclusive. */
    public Instant endOfBuckets() {
        return points == null ? step.next(lastPoint()) : Instant.ofEpochMilli(points.coveredUntil(points.size() - 1));
    }

    /** Whether every span a point covers starts and ends on a multiple of {@code unitMillis} since the epoch. */
    public boolean coversWhole(long unitMillis) {
        if (points == null) {
            if (step instanceof CalendarStep calendar) {
                // a step of the clock has boundaries between the midnights it does not test: multiples of its amount
                return (calendar.unit() != CalendarStep.Unit.CLOCK || calendar.amount() % unitMillis == 0)
                        && calendar.allBoundaries(from, to, t -> Math.floorMod(t, unitMillis) == 0);
            }
            return fixedMillis() % unitMillis == 0 && Math.floorMod(from.toEpochMilli(), unitMillis) == 0;
        }
        for (int i = 0; i < points.size(); i++) {
            if (points.coveredFrom(i) % unitMillis != 0 || points.coveredUntil(i) % unitMillis != 0) {
                return false;
            }
        }
        return true;
    }

    public long pointCount() {
        if (points != null) {
            return points.size();
        }
        if (step instanceof FixedStep) {
            return Math.max(0, (Duration.between(from, to).toMillis() + fixedMillis() - 1) / fixedMillis());
        }
        long n = 0;
        for (Instant t = from; t.isBefore(to); t = step.next(t)) {
            n++;
        }
        return n;
    }

    /** An export's last point: the one holding the last instant before {@code to}. */
    private Instant lastPoint() {
        if (step instanceof FixedStep) {
            long steps = (Duration.between(from, to).toMillis() - 1) / fixedMillis();
            return from.plusMillis(steps * fixedMillis());
        }
        return step.floor(to.minusMillis(1));
    }

    private long fixedMillis() {
        return ((FixedStep) step).length().toMillis();
    }
}
