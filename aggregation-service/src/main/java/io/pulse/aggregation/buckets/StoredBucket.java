package io.pulse.aggregation.buckets;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.bucket.Bucket;
import java.util.SortedMap;

/**
 * A bucket as the aggregation keeps it in its state store, until its allowed lateness has long passed.
 *
 * @param group   the group values
 * @param start   bucket start, epoch milliseconds
 * @param bucket  the aggregated events
 * @param late    events that missed it
 * @param isFinal whether it can still change
 */
public record StoredBucket(SortedMap<String, String> group, long start, Bucket bucket, long late,
                           @JsonProperty("final") boolean isFinal) {

    StoredBucket withBucket(Bucket b) {
        return new StoredBucket(group, start, b, late, isFinal);
    }

    StoredBucket withLate() {
        return new StoredBucket(group, start, bucket, late + 1, isFinal);
    }

    StoredBucket asFinal() {
        return new StoredBucket(group, start, bucket, late, true);
    }
}
