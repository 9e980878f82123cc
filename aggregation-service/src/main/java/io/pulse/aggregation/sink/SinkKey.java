package io.pulse.aggregation.sink;

import io.pulse.common.bucket.BucketUpdate;
import java.time.Instant;
import java.util.SortedMap;

/**
 * The record key on a sink topic: one bucket of one group, the same for each of its publications, so a compacted
 * topic keeps each bucket's latest and every record of a bucket lands on one partition, in order.
 *
 * @param metric the metric
 * @param group  the group-by field values, sorted by field so equal groups give equal keys
 * @param ts     the bucket's start
 */
public record SinkKey(String metric, SortedMap<String, String> group, Instant ts) {

    static SinkKey of(BucketUpdate update) {
        return new SinkKey(update.metric(), update.group(), update.start());
    }
}
