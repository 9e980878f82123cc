package io.pulse.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.SortedMap;

/**
 * A copy of an event that arrived after the bucket it belongs to was final, as kept on {@code events.late}: a record
 * of what came late. The event itself is counted in that bucket, which counts it among its late events.
 *
 * @param event       the event
 * @param metric      the metric whose final bucket it came late for
 * @param group       the bucket's group
 * @param bucketStart the bucket's start
 * @param bucketEnd   the bucket's end
 * @param streamTime  the aggregation's event-time clock when it arrived
 */
public record LateEvent(CanonicalEvent event, String metric, SortedMap<String, String> group,
                        @JsonProperty("bucket_start") Instant bucketStart, @JsonProperty("bucket_end") Instant bucketEnd,
                        @JsonProperty("stream_time") Instant streamTime) {
}
