package io.pulse.common.derive;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A field an event type computes from each valid event; it travels in the canonical event's attrs like any other. */
public sealed interface DerivedField permits GeohashCell, HeatIndex, DatePart {

    /** The name the value is stored under; metrics use it as value, group-by or distinct field. */
    String name();

    /** The JSON Schema type of the value: {@code string}, {@code number} or {@code integer}. */
    String type();

    /**
     * The value for one event that passed its schema.
     *
     * @param event the event's fields
     * @param time  the event time
     * @throws DerivationException when the event's fields do not allow it, naming the source field
     */
    JsonNode derive(JsonNode event, Instant time) throws DerivationException;
}
