package io.pulse.common.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An accepted event as it travels on {@code events.<type>}: validated, its time normalised.
 *
 * @param id    the declared id field's value, or one assigned at ingest
 * @param type  the event type
 * @param ts    event time in epoch milliseconds
 * @param attrs the event's fields as sent
 */
public record CanonicalEvent(String id, String type, long ts, ObjectNode attrs) {
}
