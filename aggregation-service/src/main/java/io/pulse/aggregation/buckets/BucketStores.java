package io.pulse.aggregation.buckets;

/**
 * The names of the state stores one metric's {@link BucketProcessor} keeps.
 *
 * @param buckets      buckets by start and group, until they are let go
 * @param changed      buckets changed since their last publication
 * @param revisions    revisions of buckets let go, until their publication
 * @param sourceClocks each source partition's latest event time, and how far buckets were let go
 */
public record BucketStores(String buckets, String changed, String revisions, String sourceClocks) {
}
