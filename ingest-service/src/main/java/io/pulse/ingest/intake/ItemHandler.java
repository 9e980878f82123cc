package io.pulse.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.FieldError;
import java.util.List;

/** Receives the items of a request body one at a time, as the body is read. */
public interface ItemHandler {

    /** A well-formed item; {@code raw} is its text as sent. */
    void item(long index, String raw, JsonNode item);

    /** An item that is not well-formed JSON (only in NDJSON, where lines stand alone). */
    void malformed(long index, String raw, List<FieldError> errors);
}
