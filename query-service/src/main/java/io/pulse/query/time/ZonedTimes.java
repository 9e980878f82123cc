package io.pulse.query.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Instants written as local times with their offset, as a question asked in a zone answers them. */
public final class ZonedTimes {

    /** Seconds always written, fractions only when there are some, the offset as {@code +01:00} (also {@code +00:00}). */
    private static final DateTimeFormatter OFFSET_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendOffset("+HH:MM", "+00:00").toFormatter();

    private ZonedTimes() {
    }

    public static String format(Instant t, ZoneId zone) {
        return OFFSET_TIME.format(t.atZone(zone));
    }
}
