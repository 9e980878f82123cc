package io.pulse.query.series;

import io.pulse.common.bucket.Bucket;
import java.time.Instant;
import java.util.SortedMap;

/** One stored bucket as the calculator sees it. */
public record GroupBucket(SortedMap<String, String> group, Instant start, Bucket bucket) {
}
