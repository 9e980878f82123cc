package io.pulse.query.time;

import java.time.Instant;

/**
 * How far apart a question's points are, and where they fall: a fixed duration counted from the first point, or a
 * unit of the calendar (a time of day, days, weeks, months) in a time zone, whose points fall on its boundaries.
 */
public sealed interface Step permits FixedStep, CalendarStep {

    /** The first point of a range beginning at {@code from}. */
    Instant first(Instant from);

    /** The point after the one at {@code point}. */
    Instant next(Instant point);

    /** One step before {@code t}: how far back a moving window of this length looks. */
    Instant back(Instant t);

    /** One step after {@code t}: the inverse of {@link #back}. */
    Instant ahead(Instant t);

    /** The start of the step holding {@code t}: where a running total over this period starts. */
    Instant floor(Instant t);

    /** About how long one step is, to suggest a step that keeps an answer within its limit of points. */
    long nominalMillis();

    /** As the API writes it: {@code 5m}, {@code 1d}, {@code 1w}, {@code 1mo}. */
    String name();
}
