package io.pulse.common.derive;

import io.pulse.common.event.FieldError;

/** One event's value cannot be derived: the event is refused at the source field, like a schema violation. */
public final class DerivationException extends Exception {

    private final String field;

    DerivationException(String sourceField, String message) {
        super(message);
        this.field = sourceField;
    }

    /** The refusal as the ingest reports it: a JSON Pointer to the source field and the reason. */
    public FieldError toFieldError() {
        return new FieldError("/" + FieldError.segment(field), getMessage());
    }
}
