package io.pulse.ingest.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import java.time.Instant;
import java.util.List;

/**
 * One dead letter as {@code GET /v1/dead-letters} lists it: where it is on {@code events.dlq} (to fetch it again with
 * Kafka's own tools) and every member of the record as stored, under the same names.
 *
 * @param partition the partition of {@code events.dlq} holding it
 * @param offset    its offset there
 * @param timestamp the record's timestamp: when ingest wrote it
 */
public record ListedDeadLetter(int partition, long offset, Instant timestamp, String type, String raw,
                               List<FieldError> reasons, @JsonProperty("received_at") Instant receivedAt,
                               String source,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("raw_bytes") Long rawBytes,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("raw_sha256") String rawSha256) {

    static ListedDeadLetter of(int partition, long offset, Instant timestamp, DeadLetter letter) {
        return new ListedDeadLetter(partition, offset, timestamp, letter.type(), letter.raw(), letter.reasons(),
                letter.receivedAt(), letter.source(), letter.truncated(), letter.rawBytes(), letter.rawSha256());
    }
}
