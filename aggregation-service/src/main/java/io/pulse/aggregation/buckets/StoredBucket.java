package io.pulse.aggregation.buckets;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.bucket.Bucket;
import java.util.SortedMap;

/**
 * A bucket as the aggregation keeps it in its state store, until its allowed lateness has long passed.
 *
 * @param group   the group values
 * @param start   bucket start, epoch milliseconds
 * @param bucket  the aggregated events, with how many came late
 * @param isFinal  whether it is final: later events count in it as late ones
 * @param revision null for a bucket; for a revision waiting to be published (events that came after the bucket was
 *                 let go), its identity
 */
public record StoredBucket(SortedMap<String, String> group, long start, Bucket bucket,
                           @JsonProperty("final") boolean isFinal, String revision) {

    /** A bucket with no events yet. */
    static StoredBucket open(SortedMap<String, String> group, long start, Bucket empty) {
        return new StoredBucket(group, start, empty, false, null);
    }

    /** A revision of a final bucket with no events yet, named {@code revision}. */
    static StoredBucket revision(SortedMap<String, String> group, long start, Bucket empty, String revision) {
        return new StoredBucket(group, start, empty, true, revision);
    }

    StoredBucket withBucket(Bucket b) {
        return new StoredBucket(group, start, b, isFinal, revision);
    }

    StoredBucket asFinal() {
        return new StoredBucket(group, start, bucket, true, revision);
    }
}
