package io.pulse.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A rejected item as kept on {@code events.dlq}: the input exactly as received, so it can be fixed and resent.
 *
 * @param type       the event type it was sent as
 * @param raw        the item's text as received
 * @param reasons    every reason it was refused
 * @param receivedAt when ingest received it
 * @param source     where it came from, e.g. {@code POST /v1/events} and the item's index
 */
public record DeadLetter(String type, String raw, List<FieldError> reasons,
                         @JsonProperty("received_at") Instant receivedAt, String source) {
}
