package io.pulse.common.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A windowed metric over one event type.
 *
 * @param name            the metric name used in the query API
 * @param from            the event type it reads
 * @param valueField      the numeric field aggregated; null for a pure count
 * @param distinctField   the field whose distinct values are counted; null if none
 * @param groupBy         the fields whose values split the metric into groups, possibly none
 * @param granularity     the bucket size; buckets are aligned to the epoch
 * @param allowedLateness how long after a bucket ends it becomes final; later events count in it as late ones
 * @param aggregations    what queries may ask for
 * @param retention       how long (wall-clock) stored buckets are kept by the query service; null for ever
 */
public record Metric(String name, String from, String valueField, String distinctField, List<String> groupBy,
                     Duration granularity, Duration allowedLateness, List<Aggregation> aggregations,
                     Duration retention) {

    public Optional<Duration> retentionPeriod() {
        return Optional.ofNullable(retention);
    }

    public Optional<String> value() {
        return Optional.ofNullable(valueField);
    }

    public Optional<String> distinct() {
        return Optional.ofNullable(distinctField);
    }

    /** Whether buckets of this metric carry a quantile sketch. */
    public boolean keepsQuantiles() {
        return aggregations.stream().anyMatch(a -> a.kind() == Aggregation.Kind.QUANTILE);
    }

    /** The start of the bucket holding an instant given in epoch milliseconds. */
    public long bucketStart(long epochMillis) {
        long size = granularity.toMillis();
        return Math.floorDiv(epochMillis, size) * size;
    }
}
