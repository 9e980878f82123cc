package io.pulse.common.bucket;

import java.time.Instant;
import java.util.SortedMap;

/** Identifies one bucket: the key of the compacted {@code aggregates} topic and of the query store. */
public record BucketKey(String metric, SortedMap<String, String> group, Instant start) {
}
