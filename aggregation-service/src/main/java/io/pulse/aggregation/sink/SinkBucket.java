package io.pulse.aggregation.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.bucket.AggregationValues;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * A final bucket as a sink topic carries it (docs/pipeline.md, "Kafka sinks"): its whole value at one publication,
 * with the field names of the query API's live push and the numbers it would answer.
 *
 * @param metric    the metric
 * @param group     the group-by field values
 * @param ts        the bucket's start, inclusive
 * @param end       the bucket's end, exclusive
 * @param step      the metric's granularity, as durations are written in the pipeline file
 * @param count     events in the bucket, late ones included
 * @param values    every aggregation the metric keeps, by its name in {@code agg}
 * @param error     the error bound of each approximate aggregation; left out when there is none
 * @param late      how many of its events arrived after it was final
 * @param isFinal   always true: only final buckets are published
 * @param revision  0 at the bucket's first publication, one more at each later one
 * @param updatedAt when the aggregation produced this value
 */
public record SinkBucket(String metric, SortedMap<String, String> group, Instant ts, Instant end, String step,
                         long count, Map<String, Double> values,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Double>> error,
                         long late, @JsonProperty("final") boolean isFinal, long revision,
                         @JsonProperty("updated_at") Instant updatedAt) {

    /** The publication {@code revision} of the bucket {@code update} is about, whose events are now {@code whole}. */
    static SinkBucket of(Metric metric, BucketUpdate update, Bucket whole, long revision) {
        return new SinkBucket(metric.name(), update.group(), update.start(), update.end(),
                Durations.format(metric.granularity()), whole.count(), AggregationValues.values(metric, whole),
                AggregationValues.errors(metric, whole), whole.late(), true, revision, update.updatedAt());
    }
}
