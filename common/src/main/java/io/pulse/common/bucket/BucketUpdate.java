package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.SortedMap;

/**
 * The current value of one bucket, as published on the {@code aggregates} topic and stored by the query service.
 *
 * @param metric    the metric
 * @param group     the group-by field values (sorted by field, so equal groups serialise equally)
 * @param start     the bucket's start, inclusive
 * @param end       the bucket's end, exclusive
 * @param bucket    the aggregated state
 * @param late      events that arrived after the bucket closed and were left out of it (sent to events.late)
 * @param isFinal   whether the bucket can still change
 * @param updatedAt when the aggregation service produced this value
 */
public record BucketUpdate(String metric, SortedMap<String, String> group, Instant start, Instant end,
                           Bucket bucket, long late, @JsonProperty("final") boolean isFinal,
                           @JsonProperty("updated_at") Instant updatedAt) {

    /** The compaction key: one bucket of one group of one metric. */
    public BucketKey key() {
        return new BucketKey(metric, group, start);
    }
}
