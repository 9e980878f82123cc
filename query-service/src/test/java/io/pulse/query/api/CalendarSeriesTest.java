package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.problem.ProblemException;
import io.pulse.common.window.WindowedPoints;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.Series;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.time.Step;
import io.pulse.query.time.Zoning;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Calendar steps, time zones and running totals against a brute force over the raw events: each event's local date
 * is worked out with {@code java.time} and counted in its day, week, month, quarter or year, in zones with daylight
 * saving, half- and three-quarter-hour offsets, across leap years and months of every length.
 */
class CalendarSeriesTest {

    private static final List<String> ZONES = List.of("UTC", "Europe/Lisbon", "America/Sao_Paulo", "Asia/Kolkata",
            "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Chatham", "America/New_York");
    /** Fifteen minutes divide every offset of these zones, so their local midnights are bucket boundaries. */
    private static final Metric QUARTERS = new Metric("m", "e", "v", null, List.of(), Duration.ofMinutes(15), Duration.ZERO,
            List.of(Aggregation.COUNT, Aggregation.SUM), null);
    private static final Instant FIRST = Instant.parse("2015-06-01T00:00:00Z");
    private static final long SPAN = Duration.ofDays(4 * 365).toMillis();

    private record Event(Instant ts, double value) {
    }

    /** The first local date of the period holding a date, by its definition for each step. */
    private static Function<LocalDate, LocalDate> period(String step, DayOfWeek weekStart) {
        return switch (step) {
            case "1d" -> d -> d;
            case "1w" -> d -> d.with(TemporalAdjusters.previousOrSame(weekStart));
            case "1mo" -> d -> d.withDayOfMonth(1);
            case "1q" -> d -> LocalDate.of(d.getYear(), (d.getMonthValue() - 1) / 3 * 3 + 1, 1);
            case "1y" -> d -> LocalDate.of(d.getYear(), 1, 1);
            default -> throw new IllegalArgumentException(step);
        };
    }

    private static List<Event> events(SplittableRandom random, int n) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new Event(Instant.ofEpochMilli(FIRST.toEpochMilli() + random.nextLong(SPAN)), random.nextInt(100)));
        }
        return events;
    }

    /** Buckets as the aggregation keeps them: one per bucket start of the metric. */
    private static List<GroupBucket> buckets(Metric metric, List<Event> events) {
        Map<Long, Bucket> byStart = new TreeMap<>();
        for (Event e : events) {
            byStart.merge(metric.bucketStart(e.ts().toEpochMilli()), Bucket.EMPTY.add(e.value()), Bucket::merge);
        }
        List<GroupBucket> buckets = new ArrayList<>();
        byStart.forEach((start, b) -> buckets.add(new GroupBucket(new TreeMap<>(), Instant.ofEpochMilli(start), b)));
        return buckets;
    }

    private static Series answer(Metric metric, Zoning zoning, String stepText, QueryTimeline.Coverage coverage,
                                 Aggregation agg, Instant from, Instant to, List<Event> events) {
        Step step = TimeParameters.step(metric, zoning, "step", stepText);
        WindowedPoints points = QueryTimeline.of(metric, zoning, step, coverage, from, to, 100_000);
        SeriesRequest request = SeriesRequest.of(metric, agg, points, to, zoning.writtenZone(), List.of(), Map.of());
        return SeriesCalculator.compute(request, buckets(metric, events)).get(0);
    }

    @Test
    void calendarStepsCountEachEventInItsLocalPeriod() {
        SplittableRandom random = new SplittableRandom(18);
        List<String> steps = List.of("1d", "1w", "1mo", "1q", "1y");
        for (int round = 0; round < 60; round++) {
            ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
            DayOfWeek weekStart = DayOfWeek.of(1 + random.nextInt(7));
            String stepText = steps.get(random.nextInt(steps.size()));
            List<Event> events = events(random, 3000);
            Zoning zoning = new Zoning(zone, true, weekStart);
            LocalDate fromDate = LocalDate.of(2015 + random.nextInt(2), 1 + random.nextInt(12), 1 + random.nextInt(28));
            LocalDate toDate = fromDate.plusDays(30 + random.nextInt(900));
            Instant from = fromDate.atStartOfDay(zone).toInstant();
            Instant to = toDate.atStartOfDay(zone).toInstant();

            Function<LocalDate, LocalDate> period = period(stepText, weekStart);
            LocalDate firstPeriod = period.apply(fromDate);
            // each point covers its whole period, the first from before fromDate, the last past toDate
            Map<LocalDate, Long> expected = new TreeMap<>();
            for (Event e : events) {
                LocalDate start = period.apply(e.ts().atZone(zone).toLocalDate());
                if (!start.isBefore(firstPeriod) && start.isBefore(toDate)) {
                    expected.merge(start, 1L, Long::sum);
                }
            }

            Series series = answer(QUARTERS, zoning, stepText, new QueryTimeline.Plain(), Aggregation.COUNT, from, to, events);
            Map<LocalDate, Long> actual = new TreeMap<>();
            LocalDate expectedStart = firstPeriod;
            for (Series.Point p : series.points()) {
                ZonedDateTime local = p.ts().atZone(zone);
                String at = String.format(Locale.ROOT, "round %d: %s in %s from %s, week %s", round, stepText, zone, from, weekStart);
                assertThat(local.toLocalDate()).as(at).isEqualTo(expectedStart);
                assertThat(p.ts()).as(at).isEqualTo(local.toLocalDate().atStartOfDay(zone).toInstant());
                if (p.count() > 0) {
                    actual.put(local.toLocalDate(), p.count());
                }
                expectedStart = nextPeriod(stepText, expectedStart);
            }
            assertThat(actual).as("round %d: %s in %s", round, stepText, zone).isEqualTo(expected);
            assertThat(series.points().get(series.points().size() - 1).ts()).isBefore(to);
        }
    }

    private static LocalDate nextPeriod(String step, LocalDate start) {
        return switch (step) {
            case "1d" -> start.plusDays(1);
            case "1w" -> start.plusWeeks(1);
            case "1mo" -> start.plusMonths(1);
            case "1q" -> start.plusMonths(3);
            default -> start.plusYears(1);
        };
    }

    /** Hours of local days: a day across a daylight-saving change has 23 or 25 of them, and none is split. */
    @Test
    void hoursFollowTheLocalClockThroughDaylightSavingChanges() {
        ZoneId lisbon = ZoneId.of("Europe/Lisbon");
        Zoning zoning = new Zoning(lisbon, true, DayOfWeek.MONDAY);
        List<Event> events = List.of(new Event(Instant.parse("2026-03-29T00:30:00Z"), 1),  // 00:30 WET
                new Event(Instant.parse("2026-03-29T01:30:00Z"), 2),                        // 02:30 WEST: 01:00 never was
                new Event(Instant.parse("2026-03-29T22:59:00Z"), 4));                       // 23:59 WEST
        Series spring = answer(QUARTERS, zoning, "1h", new QueryTimeline.Plain(), Aggregation.SUM,
                Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T23:00:00Z"), events);
        assertThat(spring.points()).hasSize(23);
        assertThat(spring.points().get(0).value()).isEqualTo(1.0);
        assertThat(spring.points().get(1).ts()).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
        assertThat(spring.points().get(1).value()).isEqualTo(2.0);
        assertThat(spring.points().get(22).value()).isEqualTo(4.0);

        Series days = answer(QUARTERS, zoning, "1d", new QueryTimeline.Plain(), Aggregation.SUM,
                Instant.parse("2026-10-24T23:00:00Z"), Instant.parse("2026-10-27T00:00:00Z"),
                List.of(new Event(Instant.parse("2026-10-25T00:30:00Z"), 1), new Event(Instant.parse("2026-10-25T23:30:00Z"), 2),
                        new Event(Instant.parse("2026-10-26T00:30:00Z"), 4)));
        // 25 October in Lisbon lasts 25 hours: from 23:00Z (00:00 WEST) to 00:00Z on the 26th (00:00 WET)
        assertThat(days.points()).extracting(Series.Point::ts).containsExactly(Instant.parse("2026-10-24T23:00:00Z"),
                Instant.parse("2026-10-26T00:00:00Z"));
        assertThat(days.points()).extracting(Series.Point::value).containsExactly(3.0, 4.0);
    }

    /** A running total restarts at each local period and adds every event up to the end of each point. */
    @Test
    void runningTotalsAddUpSinceEachPeriodBegan() {
        SplittableRandom random = new SplittableRandom(81);
        for (int round = 0; round < 40; round++) {
            ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
            Zoning zoning = new Zoning(zone, true, DayOfWeek.of(1 + random.nextInt(7)));
            String stepText = List.of("1h", "6h", "1d").get(random.nextInt(3));
            String periodText = List.of("1d", "1w", "1mo").get(random.nextInt(3));
            if (stepText.equals("1d") && periodText.equals("1d")) {
                periodText = "1mo";
            }
            Step period = TimeParameters.step(QUARTERS, zoning, "cumulative", periodText);
            List<Event> events = events(random, 4000);
            LocalDateTime fromLocal = LocalDate.of(2016, 1 + random.nextInt(12), 1 + random.nextInt(28)).atStartOfDay();
            Instant from = fromLocal.atZone(zone).toInstant();
            Instant to = fromLocal.plusDays(3 + random.nextInt(60)).atZone(zone).toInstant();
            Series series = answer(QUARTERS, zoning, stepText, new QueryTimeline.Running(period), Aggregation.SUM,
                    from, to, events);
            Function<LocalDate, LocalDate> periodOf = period(periodText, zoning.weekStart());
            List<Series.Point> points = series.points();
            for (int i = 0; i < points.size(); i++) {
                Instant ts = points.get(i).ts();
                Instant end = i + 1 < points.size() ? points.get(i + 1).ts() : nextPoint(stepText, ts, zone);
                Instant periodStart = periodOf.apply(ts.atZone(zone).toLocalDate()).atStartOfDay(zone).toInstant();
                double sum = 0;
                long count = 0;
                for (Event e : events) {
                    if (!e.ts().isBefore(periodStart) && e.ts().isBefore(end)) {
                        sum += e.value();
                        count++;
                    }
                }
                assertThat(points.get(i).count()).as("round %d point %s: %s since %s in %s", round, ts, stepText,
                        periodText, zone).isEqualTo(count);
                assertThat(count == 0 ? null : points.get(i).value()).isEqualTo(count == 0 ? null : sum);
            }
        }
    }

    private static Instant nextPoint(String step, Instant ts, ZoneId zone) {
        ZonedDateTime local = ts.atZone(zone);
        ZonedDateTime nextMidnight = local.toLocalDate().plusDays(1).atStartOfDay(zone);
        ZonedDateTime next = switch (step) {
            case "1h" -> local.plusHours(1);
            case "6h" -> local.plusHours(6);
            default -> nextMidnight;
        };
        return (next.isAfter(nextMidnight) ? nextMidnight : next).toInstant();
    }

    /** A metric whose buckets are zoned days answers its own local days, of 23, 24 or 25 hours. */
    @Test
    void aZonedMetricAnswersItsLocalDays() {
        ZoneId saoPaulo = ZoneId.of("America/Sao_Paulo");
        Metric days = new Metric("d", "e", "v", null, List.of(), Duration.ofDays(1), Duration.ZERO,
                List.of(Aggregation.COUNT), null, saoPaulo);
        SplittableRandom random = new SplittableRandom(7);
        List<Event> events = events(random, 5000);
        Zoning zoning = TimeParameters.zoning(days, null, "sunday");
        for (String stepText : List.of("1d", "1w", "1mo")) {
            Instant from = LocalDate.of(2016, 1, 1).atStartOfDay(saoPaulo).toInstant();
            Instant to = LocalDate.of(2019, 1, 1).atStartOfDay(saoPaulo).toInstant();
            Function<LocalDate, LocalDate> period = period(stepText, DayOfWeek.SUNDAY);
            Map<LocalDate, Long> expected = new HashMap<>();
            for (Event e : events) {
                LocalDate start = period.apply(e.ts().atZone(saoPaulo).toLocalDate());
                if (!start.isBefore(period.apply(LocalDate.of(2016, 1, 1))) && start.isBefore(LocalDate.of(2019, 1, 1))) {
                    expected.merge(start, 1L, Long::sum);
                }
            }
            Series series = answer(days, zoning, stepText, new QueryTimeline.Plain(), Aggregation.COUNT, from, to, events);
            Map<LocalDate, Long> actual = new HashMap<>();
            series.points().stream().filter(p -> p.count() > 0)
                    .forEach(p -> actual.put(p.ts().atZone(saoPaulo).toLocalDate(), p.count()));
            assertThat(actual).as(stepText).isEqualTo(expected);
        }
    }

    /** Local midnights that are not bucket boundaries would count parts of buckets: refused, saying what would do. */
    @Test
    void aZoneWhoseMidnightSplitsBucketsIsRefused() {
        Metric daily = new Metric("plays", "e", null, null, List.of(), Duration.ofDays(1), Duration.ZERO,
                List.of(Aggregation.COUNT), null);
        Zoning kolkata = TimeParameters.zoning(daily, "Asia/Kolkata", null);
        Step step = TimeParameters.step(daily, kolkata, "step", "1d");
        assertThatThrownBy(() -> QueryTimeline.of(daily, kolkata, step, new QueryTimeline.Plain(),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-10T00:00:00Z"), 1000))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().getStatus()).isEqualTo(400);
                    assertThat(e.problem().getDetail()).contains("2026-01-01T00:00:00+05:30")
                            .contains("not a bucket boundary of metric plays");
                    assertThat(e.problem().getExtensions().get("parameter")).isEqualTo("tz");
                    assertThat(e.problem().getExtensions().get("allowed"))
                            .isEqualTo(List.of("metric granularity 30m", "zone: Asia/Kolkata on metric plays"));
                });
    }
}
