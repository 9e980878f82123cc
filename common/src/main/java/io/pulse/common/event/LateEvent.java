package io.pulse.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.SortedMap;

/**
 * An event that arrived after the bucket it belongs to had closed, as kept on {@code events.late}: it was left out
 * of that bucket, which counts it among its late events.
 *
 * @param event       the event
 * @param metric      the metric whose bucket it missed
 * @param group       the bucket's group
 * @param bucketStart the missed bucket's start
 * @param bucketEnd   the missed bucket's end
 * @param streamTime  the aggregation's event-time clock when it arrived
 */
public record LateEvent(CanonicalEvent event, String metric, SortedMap<String, String> group,
                        @JsonProperty("bucket_start") Instant bucketStart, @JsonProperty("bucket_end") Instant bucketEnd,
                        @JsonProperty("stream_time") Instant streamTime) {
}
