package io.pulse.query.time;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The calendar a question is asked in: whose days, weeks and months its steps follow, where its weeks start, and
 * whether its times are written in that zone.
 *
 * @param zone      the zone of the question's days ({@code tz}, else the metric's own zone, else UTC)
 * @param local     whether a zone was asked or the metric has one: then steps follow that zone's calendar and
 *                  times are written with its offset; otherwise steps are fixed durations and times are UTC
 * @param weekStart the first day of a week step
 */
public record Zoning(ZoneId zone, boolean local, DayOfWeek weekStart) {

    public static final Zoning UTC = new Zoning(ZoneOffset.UTC, false, DayOfWeek.MONDAY);

    /** The zone times are written in; null for UTC with a {@code Z}. */
    public ZoneId writtenZone() {
        return local ? zone : null;
    }
}
