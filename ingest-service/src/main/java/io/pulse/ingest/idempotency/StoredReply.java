package io.pulse.ingest.idempotency;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What {@code ingest.requests} keeps of a committed request sent with an Idempotency-Key, so that a resend gets
 * the same answer without writing anything again.
 *
 * @param fingerprint the SHA-256 of the request's event type and body ({@link Fingerprint})
 * @param status      the HTTP status answered
 * @param body        the answer's body, as sent
 * @param committedAt when its transaction was committed: the horizon counts from here
 */
public record StoredReply(String fingerprint, int status, String body,
                          @JsonProperty("committed_at") Instant committedAt) {
}
