package io.pulse.common.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WindowedPointsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** The README's worked example: 20 at 18:11:08, 31 at 18:15:19, 54 at 18:23:19, in minute buckets. */
    private static final NavigableMap<Instant, Bucket> WORKED_EXAMPLE = new TreeMap<>(Map.of(
            Instant.parse("2018-12-26T18:11:00Z"), Bucket.EMPTY.add(20),
            Instant.parse("2018-12-26T18:15:00Z"), Bucket.EMPTY.add(31),
            Instant.parse("2018-12-26T18:23:00Z"), Bucket.EMPTY.add(54)));

    private static List<String> points(WindowedPoints points) {
        List<String> shown = new ArrayList<>();
        points.forEach(WORKED_EXAMPLE, (ts, b) -> shown.add(ts.toString().substring(11, 16) + " "
                + (b.count() == 0 ? "-" : b.sum() / b.count()) + " " + b.count()));
        return shown;
    }

    @Test
    void aMovingPointCoversTheWindowBeforeIt() {
        assertThat(points(WindowedPoints.every(Instant.parse("2018-12-26T18:11:00Z"), Instant.parse("2018-12-26T18:25:00Z"),
                MINUTE, Duration.ofMinutes(10)))).containsExactly(
                "18:11 - 0", "18:12 20.0 1", "18:13 20.0 1", "18:14 20.0 1", "18:15 20.0 1",
                "18:16 25.5 2", "18:17 25.5 2", "18:18 25.5 2", "18:19 25.5 2", "18:20 25.5 2", "18:21 25.5 2",
                "18:22 31.0 1", "18:23 31.0 1", "18:24 42.5 2");
    }

    @Test
    void aPlainPointCoversItsStep() {
        assertThat(points(WindowedPoints.every(Instant.parse("2018-12-26T18:10:00Z"), Instant.parse("2018-12-26T18:25:00Z"),
                Duration.ofMinutes(5), null))).containsExactly("18:10 20.0 1", "18:15 31.0 1", "18:20 54.0 1");
    }

    /** Random buckets and random points, against the definition applied to every bucket for every point. */
    @Test
    void everyPointMergesExactlyTheBucketsItCovers() {
        SplittableRandom random = new SplittableRandom(3);
        Instant origin = Instant.parse("2025-01-01T00:00:00Z");
        for (int round = 0; round < 300; round++) {
            NavigableMap<Instant, Bucket> buckets = new TreeMap<>();
            for (int i = random.nextInt(60); i > 0; i--) {
                buckets.put(origin.plus(MINUTE.multipliedBy(random.nextInt(120))), Bucket.EMPTY.add(random.nextInt(100)));
            }
            Duration step = MINUTE.multipliedBy(1 + random.nextInt(7));
            Duration window = random.nextBoolean() ? null : MINUTE.multipliedBy(1 + random.nextInt(30));
            Instant from = origin.plus(MINUTE.multipliedBy(random.nextInt(100) - 10));
            Instant to = from.plus(MINUTE.multipliedBy(1 + random.nextInt(90)));
            List<long[]> expected = new ArrayList<>();
            for (Instant ts = from; ts.isBefore(to); ts = ts.plus(step)) {
                Instant first = window == null ? ts : ts.minus(window);
                Instant end = window == null ? ts.plus(step) : ts;
                long count = 0;
                long sum = 0;
                for (Map.Entry<Instant, Bucket> e : buckets.entrySet()) {
                    if (!e.getKey().isBefore(first) && e.getKey().isBefore(end)) {
                        count += e.getValue().count();
                        sum += (long) e.getValue().sum();
                    }
                }
                expected.add(new long[] {ts.toEpochMilli(), count, sum});
            }
            List<long[]> actual = new ArrayList<>();
            WindowedPoints.every(from, to, step, window).forEach(buckets,
                    (ts, b) -> actual.add(new long[] {ts.toEpochMilli(), b.count(), (long) b.sum()}));
            assertThat(actual).as("round %d", round).usingElementComparator(java.util.Arrays::compare)
                    .containsExactlyElementsOf(expected);
        }
    }

    /** Running totals over random periods: every point merges the buckets from its period's start to its end. */
    @Test
    void aRunningPointMergesEverythingSinceItsPeriodBegan() {
        SplittableRandom random = new SplittableRandom(5);
        long minute = MINUTE.toMillis();
        for (int round = 0; round < 300; round++) {
            NavigableMap<Instant, Bucket> buckets = new TreeMap<>();
            for (int i = random.nextInt(80); i > 0; i--) {
                buckets.put(Instant.ofEpochMilli(minute * random.nextInt(200)), Bucket.EMPTY.add(random.nextInt(100)));
            }
            long step = minute * (1 + random.nextInt(5));
            long period = step * (1 + random.nextInt(6));
            int points = 1 + random.nextInt(40);
            long[] times = new long[points];
            long[] first = new long[points];
            long[] until = new long[points];
            for (int p = 0; p < points; p++) {
                times[p] = p * step;
                first[p] = p * step / period * period;
                until[p] = times[p] + step;
            }
            List<long[]> expected = new ArrayList<>();
            for (int p = 0; p < points; p++) {
                long count = 0;
                long sum = 0;
                for (Map.Entry<Instant, Bucket> e : buckets.entrySet()) {
                    long start = e.getKey().toEpochMilli();
                    if (start >= first[p] && start < until[p]) {
                        count += e.getValue().count();
                        sum += (long) e.getValue().sum();
                    }
                }
                expected.add(new long[] {times[p], count, sum});
            }
            List<long[]> actual = new ArrayList<>();
            new WindowedPoints(times, first, until).forEach(buckets,
                    (ts, b) -> actual.add(new long[] {ts.toEpochMilli(), b.count(), (long) b.sum()}));
            assertThat(actual).as("round %d", round).usingElementComparator(java.util.Arrays::compare)
                    .containsExactlyElementsOf(expected);
        }
    }
}
