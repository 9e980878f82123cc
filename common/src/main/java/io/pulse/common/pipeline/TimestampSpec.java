package io.pulse.common.pipeline;

import java.time.ZoneId;
import java.util.List;

/**
 * Where an event's time is and how it is written.
 *
 * @param field   the field holding the time
 * @param formats accepted formats, tried in order: a {@link java.time.format.DateTimeFormatter} pattern,
 *                {@code iso}, {@code epoch-seconds} or {@code epoch-millis}
 * @param zone    the zone of timestamps written without one
 */
public record TimestampSpec(String field, List<String> formats, ZoneId zone) {
}
