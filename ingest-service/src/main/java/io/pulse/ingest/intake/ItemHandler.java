package io.pulse.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.FieldError;
import java.util.List;
import java.util.function.Supplier;

/** Receives the items of a request body one at a time, as the body is read. */
public interface ItemHandler {

    /**
     * A well-formed item; {@code raw} gives its text as sent, made only if asked for (to keep a rejected item),
     * and only valid during this call.
     */
    void item(long index, Supplier<String> raw, JsonNode item);

    /** An item that is not well-formed JSON (only in NDJSON, where lines stand alone). */
    void malformed(long index, String raw, List<FieldError> errors);

    /**
     * A line longer than the reader keeps: its beginning, with the whole line's length in bytes and its SHA-256 (hex),
     * so the dead letter names the line it stands for.
     */
    void tooLong(long index, String beginning, long bytes, String sha256, List<FieldError> errors);
}
