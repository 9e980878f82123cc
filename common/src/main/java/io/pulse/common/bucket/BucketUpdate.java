package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.json.Json;
import java.time.Instant;
import java.util.SortedMap;

/**
 * What the aggregation publishes about one bucket on the {@code aggregates} topic, in one of two kinds:
 * <ul>
 * <li>its <b>value</b> ({@code revision} null): everything the bucket holds, which replaces what the store had;</li>
 * <li>a <b>revision</b>: events that arrived after the aggregation had let the bucket go, to be added to it exactly
 * once. Its {@code revision} names it uniquely (the input record that opened it), so a store that has merged it once
 * knows it again on a replay.</li>
 * </ul>
 * Both kinds of one bucket go to the same partition ({@link #partitionKey()}), so a reader sees them in the order
 * they were written.
 *
 * @param metric    the metric
 * @param group     the group-by field values (sorted by field, so equal groups serialise equally)
 * @param start     the bucket's start, inclusive
 * @param end       the bucket's end, exclusive
 * @param bucket    the aggregated state, or for a revision the events it adds
 * @param isFinal   whether the bucket is final; a revision always is
 * @param updatedAt when the aggregation service produced this value
 * @param revision  the revision's identity; null for a bucket's value
 */
public record BucketUpdate(String metric, SortedMap<String, String> group, Instant start, Instant end,
                           Bucket bucket, @JsonProperty("final") boolean isFinal,
                           @JsonProperty("updated_at") Instant updatedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String revision) {

    /** A bucket's value. */
    public BucketUpdate(String metric, SortedMap<String, String> group, Instant start, Instant end, Bucket bucket,
                        boolean isFinal, Instant updatedAt) {
        this(metric, group, start, end, bucket, isFinal, updatedAt, null);
    }

    /** One bucket of one group of one metric: the key of the query store. */
    public BucketKey key() {
        return new BucketKey(metric, group, start);
    }

    /** Whether this is a revision to add to the bucket rather than its value. */
    @JsonIgnore
    public boolean isRevision() {
        return revision != null;
    }

    /**
     * The record key on {@code aggregates}: the bucket's own for its value, so compaction keeps its latest value;
     * the bucket's and the revision's for a revision, so compaction keeps every revision.
     */
    public String recordKey() {
        return revision == null ? partitionKey() : Json.writeString(new RevisionKey(metric, group, start, revision));
    }

    /** What both kinds of record of one bucket are partitioned by: the bucket's key as JSON. */
    public String partitionKey() {
        return Json.writeString(key());
    }

    private record RevisionKey(String metric, SortedMap<String, String> group, Instant start, String revision) {
    }
}
