package io.pulse.query.api;

import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.window.WindowedPoints;
import io.pulse.query.time.Step;
import io.pulse.query.time.ZonedTimes;
import io.pulse.query.time.Zoning;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The points of a question over {@code [from, to)} and the buckets each covers, checked before anything is read: no
 * more points than the limit, and every covered span starting and ending on bucket boundaries, so that no point
 * counts part of a bucket.
 */
final class QueryTimeline {

    /** What each point covers. */
    sealed interface Coverage permits Plain, Moving, Running {
    }

    /** The point at T covers {@code [T, next point)}. */
    record Plain() implements Coverage {
    }

    /** The point at T covers {@code [T − window, T)}. */
    record Moving(Step window) implements Coverage {
    }

    /** The point at T covers {@code [start of T's period, next point)}; with no period, from the first point on. */
    record Running(Step period) implements Coverage {
    }

    private QueryTimeline() {
    }

    static WindowedPoints of(Metric metric, Zoning zoning, Step step, Coverage coverage, Instant from, Instant to,
                             long maxPoints) {
        List<Long> times = new ArrayList<>();
        for (Instant t = step.first(from); t.isBefore(to); t = step.next(t)) {
            if (times.size() == maxPoints) {
                long estimate = Math.max(maxPoints + 1, Duration.between(from, to).toMillis() / step.nominalMillis());
                throw QueryLimits.tooManyPoints("step", "about " + estimate + " points exceed the limit of " + maxPoints,
                        List.of("a step of at least " + Durations.format(Duration.ofMillis(step.nominalMillis()
                                * (estimate / maxPoints + 1)))), maxPoints);
            }
            times.add(t.toEpochMilli());
        }
        int n = times.size();
        long[] at = new long[n];
        long[] first = new long[n];
        long[] until = new long[n];
        for (int i = 0; i < n; i++) {
            at[i] = times.get(i);
            Instant t = Instant.ofEpochMilli(at[i]);
            long next = i + 1 < n ? times.get(i + 1) : step.next(t).toEpochMilli();
            if (coverage instanceof Moving m) {
                first[i] = m.window().back(t).toEpochMilli();
                until[i] = at[i];
            } else {
                Step period = coverage instanceof Running r ? r.period() : null;
                first[i] = !(coverage instanceof Running) ? at[i] : period == null ? at[0] : period.floor(t).toEpochMilli();
                until[i] = next;
            }
            requireBucketBoundary(metric, zoning, first[i]);
            requireBucketBoundary(metric, zoning, until[i]);
        }
        return new WindowedPoints(at, first, until);
    }

    /**
     * A 400 unless {@code t} is where one of the metric's buckets starts: a point covering part of a bucket would
     * count events outside its span. It says which granularity, or which metric zone, would make the question exact.
     */
    static void requireBucketBoundary(Metric metric, Zoning zoning, long t) {
        if (metric.bucketStart(t) == t) {
            return;
        }
        long granularity = metric.granularity().toMillis();
        long finer = BigInteger.valueOf(granularity).gcd(BigInteger.valueOf(t - metric.bucketStart(t))).longValue();
        List<String> would = new ArrayList<>();
        if (metric.zone() == null) {
            would.add("metric granularity " + Durations.format(Duration.ofMillis(finer)));
            if (zoning.local()) {
                would.add("zone: " + zoning.zone() + " on metric " + metric.name());
            }
        } else {
            would.add("tz=" + metric.zone());
        }
        String buckets = metric.zone() == null ? "from the epoch in UTC" : "from midnight in " + metric.zone();
        throw QueryParameters.invalid(zoning.local() && !zoning.zone().equals(metric.zone()) ? "tz" : "step",
                ZonedTimes.format(Instant.ofEpochMilli(t), zoning.zone()) + " is not a bucket boundary of metric "
                        + metric.name() + ", whose buckets are " + Durations.format(metric.granularity()) + " long "
                        + buckets, would);
    }
}
