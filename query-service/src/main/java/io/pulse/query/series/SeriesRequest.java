package io.pulse.query.series;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated question about one metric.
 *
 * @param metric  the metric asked about
 * @param agg     what to compute per point
 * @param step    distance between points, a multiple of the granularity
 * @param window  for moving windows, how far back each point looks; null for a plain series
 * @param from    first point, inclusive
 * @param to      end of the points, exclusive
 * @param groupBy the group fields kept apart; the others roll up
 * @param where   accepted values per group field
 */
public record SeriesRequest(Metric metric, Aggregation agg, Duration step, Duration window, Instant from, Instant to,
                           List<String> groupBy, Map<String, Set<String>> where) {

    public boolean isMoving() {
        return window != null;
    }

    /** The bucket starts any point can draw on: {@code [from − window, to)} or {@code [from, last point + step)}. */
    public Instant firstBucket() {
        return isMoving() ? from.minus(window) : from;
    }

    public Instant endOfBuckets() {
        return isMoving() ? lastPoint() : lastPoint().plus(step);
    }

    public Instant lastPoint() {
        long steps = (Duration.between(from, to).toMillis() - 1) / step.toMillis();
        return from.plusMillis(steps * step.toMillis());
    }

    public long points() {
        return Math.max(0, (Duration.between(from, to).toMillis() + step.toMillis() - 1) / step.toMillis());
    }
}
