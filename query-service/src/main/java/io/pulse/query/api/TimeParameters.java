package io.pulse.query.api;

import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import io.pulse.query.time.CalendarStep;
import io.pulse.query.time.FixedStep;
import io.pulse.query.time.Step;
import io.pulse.query.time.Zoning;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time parameters of a question, each mistake a 400 naming the parameter: {@code tz} and {@code week_start}, steps
 * and windows (fixed durations, or days, weeks, months, quarters and years of the calendar), and times, absolute or
 * relative to now as Grafana and Prometheus users write them.
 */
final class TimeParameters {

    private static final Pattern CALENDAR = Pattern.compile("(\\d{1,4})(w|mo|q|y)");
    /** {@code now}, {@code now-24h}, {@code -7d}, {@code now-1mo/mo}: now, moved, then rounded down to a unit. */
    private static final Pattern RELATIVE = Pattern.compile("(now)?(?:([+-])(\\d{1,9})(ms|s|m|h|d|w|mo|M|q|y))?(?:/(m|h|d|w|mo|M|q|y))?");
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    private static final List<String> STEPS = List.of("5m", "1h", "1d", "1w", "1mo", "1q", "1y");

    private TimeParameters() {
    }

    /**
     * The calendar of a question: {@code tz} when given, else the metric's own zone when it has one, else fixed
     * durations in UTC; weeks from {@code week_start} (Monday by default, as ISO weeks).
     */
    static Zoning zoning(Metric metric, String tz, String weekStart) {
        DayOfWeek firstDay = weekStart(weekStart);
        if (tz == null || tz.isBlank()) {
            ZoneId own = metric.zone();
            return own == null ? new Zoning(Zoning.UTC.zone(), false, firstDay) : new Zoning(own, true, firstDay);
        }
        try {
            return new Zoning(ZoneId.of(tz.trim()), true, firstDay);
        } catch (DateTimeException e) {
            throw QueryParameters.invalid("tz", "'" + tz + "' is not a time zone",
                    List.of("UTC", "Europe/Lisbon", "America/Sao_Paulo", "Asia/Kolkata", "+05:30"));
        }
    }

    private static DayOfWeek weekStart(String text) {
        if (text == null || text.isBlank()) {
            return DayOfWeek.MONDAY;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(DayOfWeek.values()).filter(d -> d.name().equals(t) || d.name().startsWith(t) && t.length() >= 3)
                .findFirst().orElseThrow(() -> QueryParameters.invalid("week_start", "'" + text + "' is not a day of the week",
                        Arrays.stream(DayOfWeek.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toList()));
    }

    /**
     * A step (or window): {@code 1w}, {@code 1mo}, {@code 1q}, {@code 1y} of the calendar, or a duration. In a zone a
     * duration that divides a day counts from each local midnight and whole days are local days; without one it is
     * a fixed length, as is any duration in UTC. Durations must be positive multiples of the granularity; the
     * granularity when absent.
     */
    static Step step(Metric metric, Zoning zoning, String name, String text) {
        if (text == null || text.isBlank()) {
            return step(metric, zoning, name, Durations.format(metric.granularity()));
        }
        String t = text.trim();
        Matcher calendar = CALENDAR.matcher(t);
        if (calendar.matches()) {
            long n = Long.parseLong(calendar.group(1));
            if (n == 0) {
                throw QueryParameters.invalid(name, "'" + text + "' is not a positive step", STEPS);
            }
            return switch (calendar.group(2)) {
                case "w" -> new CalendarStep(CalendarStep.Unit.WEEK, n, zoning.zone(), zoning.weekStart(), t);
                case "mo" -> new CalendarStep(CalendarStep.Unit.MONTH, n, zoning.zone(), zoning.weekStart(), t);
                case "q" -> new CalendarStep(CalendarStep.Unit.MONTH, 3 * n, zoning.zone(), zoning.weekStart(), t);
                default -> new CalendarStep(CalendarStep.Unit.MONTH, 12 * n, zoning.zone(), zoning.weekStart(), t);
            };
        }
        Duration d = QueryParameters.multipleOfGranularity(metric, name, t, true);
        if (!zoning.local()) {
            return new FixedStep(d);
        }
        String formatted = Durations.format(d);
        long ms = d.toMillis();
        if (DAY_MILLIS % ms == 0 && ms < DAY_MILLIS) {
            return new CalendarStep(CalendarStep.Unit.CLOCK, ms, zoning.zone(), zoning.weekStart(), formatted);
        }
        if (ms % DAY_MILLIS == 0) {
            return new CalendarStep(CalendarStep.Unit.DAY, ms / DAY_MILLIS, zoning.zone(), zoning.weekStart(), formatted);
        }
        throw QueryParameters.invalid(name, "'" + text + "' neither divides a day nor is whole days, as a step in time "
                + "zone " + zoning.zone() + " must", List.of("15m", "1h", "6h", "1d", "7d", "1w"));
    }

    /**
     * A time: ISO-8601 with an offset; a date-time or date without one, read in the question's zone; or relative to
     * {@code now}: {@code now}, {@code now-24h}, {@code -7d}, {@code now-1w}, and rounded down to the start of a unit
     * of the zone's calendar with {@code /d}, {@code /w}, {@code /mo}.
     */
    static Optional<Instant> instant(String name, String text, Zoning zoning, Instant now) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        Matcher relative = RELATIVE.matcher(t);
        if (!t.isEmpty() && relative.matches() && (relative.group(1) != null || relative.group(2) != null)) {
            Instant at = now;
            if (relative.group(2) != null) {
                Step amount = unit(relative.group(4), Long.parseLong(relative.group(3)), zoning);
                at = relative.group(2).equals("-") ? amount.back(at) : amount.ahead(at);
            }
            if (relative.group(5) != null) {
                at = unit(relative.group(5), 1, zoning).floor(at);
            }
            return Optional.of(at);
        }
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException e) {
            // try the zone-less forms
        }
        try {
            return Optional.of(LocalDateTime.parse(t).atZone(zoning.zone()).toInstant());
        } catch (DateTimeParseException e) {
            // try a plain date
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay(zoning.zone()).toInstant());
        } catch (DateTimeParseException e) {
            throw QueryParameters.invalid(name, "'" + text + "' is not a time", List.of("2018-12-26T18:11:00Z",
                    "2018-12-26T18:11:00", "2018-12-26", "now", "now-24h", "-7d", "now/d"));
        }
    }

    /** {@code n} of a relative time's unit, in the question's calendar: days, weeks and months are local ones. */
    private static Step unit(String unit, long n, Zoning zoning) {
        return switch (unit) {
            case "ms" -> new FixedStep(Duration.ofMillis(n));
            case "s" -> new FixedStep(Duration.ofSeconds(n));
            case "m" -> new FixedStep(Duration.ofMinutes(n));
            case "h" -> new FixedStep(Duration.ofHours(n));
            case "d" -> new CalendarStep(CalendarStep.Unit.DAY, n, zoning.zone(), zoning.weekStart(), n + unit);
            case "w" -> new CalendarStep(CalendarStep.Unit.WEEK, n, zoning.zone(), zoning.weekStart(), n + unit);
            case "q" -> new CalendarStep(CalendarStep.Unit.MONTH, 3 * n, zoning.zone(), zoning.weekStart(), n + unit);
            case "y" -> new CalendarStep(CalendarStep.Unit.MONTH, 12 * n, zoning.zone(), zoning.weekStart(), n + unit);
            default -> new CalendarStep(CalendarStep.Unit.MONTH, n, zoning.zone(), zoning.weekStart(), n + unit);
        };
    }
}
