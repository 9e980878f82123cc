package io.pulse.query.time;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.function.LongPredicate;

/**
 * A step of the calendar in a time zone: its points fall on local boundaries, so a day is one point whether it lasts
 * 23, 24 or 25 hours, and a month one point whatever its length.
 *
 * <ul>
 * <li>{@link Unit#CLOCK}: a duration that divides a day, counted from each local midnight (the last step of a
 * 23- or 25-hour day ends at the next midnight);</li>
 * <li>{@link Unit#DAY}, {@link Unit#WEEK}, {@link Unit#MONTH}: {@code amount} of them, starting at local midnight;
 * weeks on {@code weekStart}; several days, weeks or months counted from 1970's first one, so that a step of two
 * weeks always starts on the same weeks whatever the range.</li>
 * </ul>
 *
 * @param unit      what is counted
 * @param amount    how many units one step spans; for {@link Unit#CLOCK}, milliseconds
 * @param zone      whose midnight the steps start at
 * @param weekStart the first day of a week
 * @param name      as the API writes it
 */
public record CalendarStep(Unit unit, long amount, ZoneId zone, DayOfWeek weekStart, String name) implements Step {

    public enum Unit { CLOCK, DAY, WEEK, MONTH }

    private static final LocalDate EPOCH = LocalDate.ofEpochDay(0);
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    /** The average Gregorian month: 146,097 days in 400 years of 4,800 months. */
    private static final long MONTH_MILLIS = DAY_MILLIS * 146_097 / 4_800;

    @Override
    public Instant first(Instant from) {
        return floor(from);
    }

    @Override
    public Instant floor(Instant t) {
        LocalDate date = t.atZone(zone).toLocalDate();
        return switch (unit) {
            case CLOCK -> {
                Instant midnight = midnight(date);
                long into = t.toEpochMilli() - midnight.toEpochMilli();
                yield midnight.plusMillis(into / amount * amount);
            }
            case DAY -> midnight(LocalDate.ofEpochDay(Math.floorDiv(date.toEpochDay(), amount) * amount));
            case WEEK -> {
                LocalDate firstWeek = EPOCH.with(TemporalAdjusters.nextOrSame(weekStart));
                long weeks = Math.floorDiv(date.toEpochDay() - firstWeek.toEpochDay(), 7);
                yield midnight(firstWeek.plusWeeks(Math.floorDiv(weeks, amount) * amount));
            }
            case MONTH -> {
                long months = date.getYear() * 12L + date.getMonthValue() - 1;
                long first = Math.floorDiv(months, amount) * amount;
                yield midnight(LocalDate.of(Math.toIntExact(Math.floorDiv(first, 12)), (int) Math.floorMod(first, 12) + 1, 1));
            }
        };
    }

    @Override
    public Instant next(Instant point) {
        LocalDate date = point.atZone(zone).toLocalDate();
        return switch (unit) {
            case CLOCK -> {
                Instant later = point.plusMillis(amount);
                Instant nextMidnight = midnight(date.plusDays(1));
                yield later.isBefore(nextMidnight) ? later : nextMidnight;
            }
            case DAY -> midnight(date.plusDays(amount));
            case WEEK -> midnight(date.plusWeeks(amount));
            case MONTH -> midnight(date.plusMonths(amount));
        };
    }

    /** The same local time {@code amount} units before (a day before 10:00 is 10:00 the day before, 23 or 25 hours back). */
    @Override
    public Instant back(Instant t) {
        return shifted(t, -amount);
    }

    @Override
    public Instant ahead(Instant t) {
        return shifted(t, amount);
    }

    private Instant shifted(Instant t, long units) {
        ZonedDateTime local = t.atZone(zone);
        return switch (unit) {
            case CLOCK -> t.plusMillis(units);
            case DAY -> local.plusDays(units).toInstant();
            case WEEK -> local.plusWeeks(units).toInstant();
            case MONTH -> local.plusMonths(units).toInstant();
        };
    }

    @Override
    public long nominalMillis() {
        return switch (unit) {
            case CLOCK -> amount;
            case DAY -> amount * DAY_MILLIS;
            case WEEK -> amount * 7 * DAY_MILLIS;
            case MONTH -> amount * MONTH_MILLIS;
        };
    }

    /**
     * Whether {@code test} holds for every boundary of the steps covering {@code [from, until)}: the start of the
     * first step ({@link #first}), the end of the step holding {@code until}'s last instant, and every boundary
     * between. For {@link Unit#CLOCK} only the first start, the local midnights between and the end are tested: the
     * other boundaries are a midnight plus multiples of {@code amount}, for which a test of alignment to a divisor of
     * {@code amount} holds when it holds for the midnight. So the cost is one test per step, at most one per day, and
     * nothing is kept.
     */
    public boolean allBoundaries(Instant from, Instant until, LongPredicate test) {
        Instant end = next(floor(until.minusMillis(1)));
        for (Instant t = first(from); t.isBefore(end);
             t = unit == Unit.CLOCK ? midnight(t.atZone(zone).toLocalDate().plusDays(1)) : next(t)) {
            if (!test.test(t.toEpochMilli())) {
                return false;
            }
        }
        return test.test(end.toEpochMilli());
    }

    /** The first instant of {@code date} in the zone: midnight, or the end of a daylight-saving gap at midnight. */
    private Instant midnight(LocalDate date) {
        return date.atStartOfDay(zone).toInstant();
    }
}
