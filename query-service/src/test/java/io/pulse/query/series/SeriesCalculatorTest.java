package io.pulse.query.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesCalculatorTest {

    private static final Metric METRIC = new Metric("delivery_time", "translation_delivered", "duration",
            null, List.of("client_name", "target_language"), Duration.ofMinutes(1), Duration.ZERO, Aggregation.VALUE_DEFAULTS,
            null);

    private record Event(String client, String language, Instant ts, double value) {
    }

    /** Buckets as the aggregation service would keep them: per group and minute. */
    private static List<GroupBucket> buckets(List<Event> events) {
        Map<String, GroupBucket> byKey = new HashMap<>();
        for (Event e : events) {
            SortedMap<String, String> group = new TreeMap<>(Map.of("client_name", e.client(), "target_language", e.language()));
            Instant start = e.ts().truncatedTo(ChronoUnit.MINUTES);
            byKey.merge(group + "@" + start, new GroupBucket(group, start, Bucket.EMPTY.add(e.value())),
                    (a, b) -> new GroupBucket(a.group(), a.start(), a.bucket().merge(b.bucket())));
        }
        return new ArrayList<>(byKey.values());
    }

    @Test
    void theDesignsWorkedExample() {
        List<Event> events = List.of(
                new Event("airliberty", "fr", Instant.parse("2018-12-26T18:11:08.509Z"), 20),
                new Event("airliberty", "fr", Instant.parse("2018-12-26T18:15:19.903Z"), 31),
                new Event("taxi-eats", "fr", Instant.parse("2018-12-26T18:23:19.903Z"), 54));
        var request = Requests.every(METRIC, Aggregation.AVG, Duration.ofMinutes(1), Duration.ofMinutes(10),
                Instant.parse("2018-12-26T18:11:00Z"), Instant.parse("2018-12-26T18:25:00Z"), List.of(), Map.of());
        List<Series> series = SeriesCalculator.compute(request, buckets(events));
        assertThat(series).hasSize(1);
        assertThat(series.get(0).group()).isEmpty();
        assertThat(series.get(0).points()).extracting(Series.Point::value).containsExactly(
                null, 20.0, 20.0, 20.0, 20.0, 25.5, 25.5, 25.5, 25.5, 25.5, 25.5, 31.0, 31.0, 42.5);
        assertThat(series.get(0).points().get(0).count()).isZero();
        assertThat(series.get(0).points().get(13).ts()).isEqualTo(Instant.parse("2018-12-26T18:24:00Z"));
    }

    @Test
    void distinctCountsAndQuantilesMergeBucketsNotAnswers() {
        Metric metric = new Metric("users", "frame", "duration", "uid", List.of("client_name"), Duration.ofMinutes(1),
                Duration.ZERO, List.of(Aggregation.COUNT, Aggregation.DISTINCT, Aggregation.fromWireName("p50").orElseThrow()),
                null);
        Random random = new Random(11);
        Instant base = Instant.parse("2024-03-01T00:00:00Z");
        Map<String, GroupBucket> buckets = new HashMap<>();
        List<double[]> raw = new ArrayList<>();   // {minute, uid, value}
        for (int i = 0; i < 150; i++) {
            int minute = random.nextInt(10);
            int uid = random.nextInt(40);
            double value = random.nextInt(1000);
            raw.add(new double[] {minute, uid, value});
            SortedMap<String, String> group = new TreeMap<>(Map.of("client_name", "c" + (uid % 3)));
            Instant start = base.plus(Duration.ofMinutes(minute));
            buckets.merge(group + "@" + start, new GroupBucket(group, start, Bucket.empty(metric).add(value, "u" + uid)),
                    (a, b) -> new GroupBucket(a.group(), a.start(), a.bucket().merge(b.bucket())));
        }
        for (Aggregation agg : List.of(Aggregation.DISTINCT, Aggregation.fromWireName("p50").orElseThrow())) {
            var request = Requests.every(metric, agg, Duration.ofMinutes(1), Duration.ofMinutes(5),
                    base.plus(Duration.ofMinutes(3)), base.plus(Duration.ofMinutes(11)), List.of(), Map.of());
            for (Series.Point p : SeriesCalculator.compute(request, buckets.values()).get(0).points()) {
                long lo = Duration.between(base, p.ts()).toMinutes() - 5;
                long hi = Duration.between(base, p.ts()).toMinutes();
                List<double[]> covered = raw.stream().filter(r -> r[0] >= lo && r[0] < hi).toList();
                if (agg.kind() == Aggregation.Kind.DISTINCT) {
                    long distinct = covered.stream().mapToDouble(r -> r[1]).distinct().count();
                    assertThat(p.value()).isEqualTo((double) distinct);
                    assertThat(p.error()).containsEntry("relative", 0.0);
                } else {
                    double[] values = covered.stream().mapToDouble(r -> r[2]).sorted().toArray();
                    // Fewer values than the sketch retains: the median is exact (inclusive rank ⌈n/2⌉).
                    assertThat(p.value()).isEqualTo(values[(int) Math.ceil(values.length * 0.5) - 1]);
                    assertThat(p.error()).containsEntry("rank", 0.0);
                }
            }
        }
    }

    @Test
    void randomQueriesEqualABruteForceOverTheRawEvents() {
        Random random = new Random(7);
        Instant base = Instant.parse("2024-03-01T00:00:00Z");
        for (int round = 0; round < 50; round++) {
            List<Event> events = new ArrayList<>();
            int n = random.nextInt(300);
            for (int i = 0; i < n; i++) {
                events.add(new Event("c" + random.nextInt(4), random.nextBoolean() ? "fr" : "de",
                        base.plusMillis(random.nextInt(4 * 3600_000)), random.nextInt(10_000) / 100.0));
            }
            Aggregation agg = Aggregation.VALUE_DEFAULTS.get(random.nextInt(Aggregation.VALUE_DEFAULTS.size()));
            Duration step = Duration.ofMinutes(1 + random.nextInt(30));
            Duration window = random.nextBoolean() ? null : Duration.ofMinutes(1 + random.nextInt(90));
            Instant from = base.plus(Duration.ofMinutes(random.nextInt(60)));
            Instant to = from.plus(Duration.ofMinutes(1 + random.nextInt(240)));
            List<String> groupBy = switch (random.nextInt(3)) {
                case 0 -> List.of();
                case 1 -> List.of("client_name");
                default -> List.of("target_language", "client_name");
            };
            Map<String, Set<String>> where = random.nextBoolean() ? Map.of() : Map.of("client_name", Set.of("c0", "c2"));
            var request = Requests.every(METRIC, agg, step, window, from, to, groupBy, where);

            for (Series s : SeriesCalculator.compute(request, buckets(events))) {
                for (Series.Point p : s.points()) {
                    Instant lo = window == null ? p.ts() : p.ts().minus(window);
                    Instant hi = window == null ? p.ts().plus(step) : p.ts();
                    List<Double> covered = events.stream()
                            .filter(e -> where.isEmpty() || where.get("client_name").contains(e.client()))
                            .filter(e -> groupBy.stream().allMatch(f -> s.group().get(f).equals(
                                    f.equals("client_name") ? e.client() : e.language())))
                            .filter(e -> !e.ts().isBefore(lo) && e.ts().isBefore(hi))
                            .map(Event::value).toList();
                    assertThat(p.count()).isEqualTo(covered.size());
                    if (covered.isEmpty()) {
                        assertThat(p.value()).isNull();
                        continue;
                    }
                    var stats = covered.stream().mapToDouble(Double::doubleValue).summaryStatistics();
                    double expected = switch (agg.kind()) {
                        case COUNT -> stats.getCount();
                        case SUM -> stats.getSum();
                        case AVG -> stats.getAverage();
                        case MIN -> stats.getMin();
                        case MAX -> stats.getMax();
                        default -> throw new AssertionError(agg);
                    };
                    assertThat(p.value()).isCloseTo(expected, within(1e-6));
                }
            }
        }
    }
}
