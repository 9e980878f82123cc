package io.pulse.aggregation.sink;

import io.pulse.common.bucket.Bucket;

/**
 * What the sink store keeps of a bucket: its value at its latest publication, to which a later revision is added,
 * and that publication's number.
 *
 * @param bucket   the bucket's whole value as last published
 * @param revision the number of that publication
 */
public record PublishedBucket(Bucket bucket, long revision) {
}
