package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.AggregatesTopic;
import io.pulse.query.TwoFieldPipeline;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Property-style: random purchases are aggregated into buckets as the aggregation service does, published on the
 * real {@code aggregates} topic and stored by the running service; random questions to {@code /series},
 * {@code /moving} and {@code /top} over HTTP must then equal a brute-force computation over the purchases
 * themselves (never over buckets). Seeds are random and printed; {@code -Dquery.properties.seeds=1,2,3} replays some.
 */
@QuarkusTest
@TestProfile(TwoFieldPipeline.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class QueryPropertiesTest {

    private static final int QUESTIONS = 20;
    private static final List<String> FIELDS = List.of("shop", "country");
    private static final List<String> SHOPS = List.of("s0", "s1", "s2", "s3");
    private static final List<String> COUNTRIES = List.of("c0", "c1", "c2");
    private static final String PATH = "/v1/metrics/" + TwoFieldPipeline.METRIC + "/";
    /** Each seed's purchases lie in their own 100 days, so seeds of one run never see each other's buckets. */
    private static final Instant EPOCH = Instant.parse("2031-01-01T00:00:00Z");
    private static final Duration SPAN = Duration.ofHours(2);

    @Inject
    Pipeline pipeline;

    private record Purchase(String shop, String country, String user, Instant ts, double amount) {
        String field(String name) {
            return name.equals("shop") ? shop : country;
        }
    }

    /** Approximate answers checked against their reported bound; how many exceeded it (see {@link #bounds}). */
    private final Map<String, int[]> approximate = new HashMap<>();

    @Test
    void answersEqualABruteForceOverTheRawPurchases() {
        String given = System.getProperty("query.properties.seeds");
        long[] seeds = given != null && !given.isBlank()
                ? Arrays.stream(given.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray()
                : new Random().longs(3).toArray();
        System.out.println("QueryPropertiesTest seeds: " + Arrays.toString(seeds));
        for (int i = 0; i < seeds.length; i++) {
            long seed = seeds[i];
            try {
                checkSeed(seed, EPOCH.plus(Duration.ofDays(100L * i)));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay with -Dquery.properties.seeds=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
        bounds();
    }

    private void checkSeed(long seed, Instant base) {
        Random random = new Random(seed);
        Metric metric = pipeline.metric(TwoFieldPipeline.METRIC).orElseThrow();
        List<Purchase> purchases = purchases(random, base);
        long started = System.nanoTime();
        store(metric, purchases, base);
        long stored = System.nanoTime();
        for (int q = 0; q < QUESTIONS; q++) {
            Map<String, String> params = new LinkedHashMap<>();
            Aggregation agg = metric.aggregations().get(random.nextInt(metric.aggregations().size()));
            params.put("agg", agg.wireName());
            Instant from = base.plus(Duration.ofMinutes(random.nextInt(130) - 20));
            Instant to = from.plus(Duration.ofMinutes(1 + random.nextInt(150)));
            params.put("from", from.toString());
            params.put("to", to.toString());
            Map<String, Set<String>> where = where(random);
            List<String> whereTexts = where.entrySet().stream()
                    .map(w -> w.getKey() + ":" + String.join("|", w.getValue())).toList();
            List<String> fields = subset(random);
            String endpoint = List.of("series", "moving", "top").get(random.nextInt(3));
            String question = endpoint + " " + params + " where=" + whereTexts + " fields=" + fields;
            try {
                if (endpoint.equals("top")) {
                    int k = 1 + random.nextInt(15);
                    params.put("k", String.valueOf(k));
                    if (!fields.isEmpty()) {
                        params.put("by", String.join(",", fields));
                    }
                    List<String> by = fields.isEmpty() ? FIELDS : fields;
                    checkTop(ask("top", params, whereTexts), agg, by, k, select(purchases, where, from, to));
                } else {
                    Duration step = Duration.ofMinutes(1 + random.nextInt(60));
                    params.put("step", step.toMinutes() + "m");
                    Duration window = endpoint.equals("moving") ? Duration.ofMinutes(1 + random.nextInt(120)) : null;
                    if (window != null) {
                        params.put("window", window.toMinutes() + "m");
                    }
                    if (!fields.isEmpty()) {
                        params.put("group_by", String.join(",", fields));
                    }
                    question = endpoint + " " + params + " where=" + whereTexts;
                    checkSeries(ask(endpoint, params, whereTexts), agg, fields, from, to, step, window,
                            purchases.stream().filter(p -> passes(p, where)).toList());
                }
            } catch (AssertionError e) {
                throw new AssertionError("question " + q + ": " + question + ": " + e.getMessage(), e);
            }
        }
        System.out.printf("QueryPropertiesTest: seed %d, %d purchases stored in %d ms, %d questions in %d ms%n", seed,
                purchases.size(), (stored - started) / 1_000_000, QUESTIONS, (System.nanoTime() - stored) / 1_000_000);
    }

    /** Purchases over two hours from a few shops and countries: enough users for HyperLogLog and values for KLL to compact. */
    private static List<Purchase> purchases(Random random, Instant base) {
        int n = 1500 + random.nextInt(1500);
        int users = 500 + random.nextInt(3000);
        List<Purchase> purchases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            purchases.add(new Purchase(SHOPS.get(random.nextInt(SHOPS.size())),
                    COUNTRIES.get(random.nextInt(COUNTRIES.size())), "u" + random.nextInt(users),
                    base.plusMillis((long) (random.nextDouble() * SPAN.toMillis())), random.nextInt(100_000) / 100.0));
        }
        return purchases;
    }

    /** Buckets per group and minute built as the aggregation does, published to aggregates, awaited in the store. */
    private void store(Metric metric, List<Purchase> purchases, Instant base) {
        Map<String, BucketUpdate> buckets = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (Purchase p : purchases) {
            Instant start = Instant.ofEpochMilli(metric.bucketStart(p.ts().toEpochMilli()));
            TreeMap<String, String> group = new TreeMap<>(Map.of("shop", p.shop(), "country", p.country()));
            buckets.compute(group + "@" + start, (key, u) -> {
                Bucket b = (u == null ? Bucket.empty(metric) : u.bucket()).add(p.amount(), p.user());
                return new BucketUpdate(metric.name(), group, start, start.plus(metric.granularity()), b, true, now);
            });
        }
        AggregatesTopic.publish(new ArrayList<>(buckets.values()));
        Map<String, String> all = Map.of("agg", "count", "step", SPAN.toMinutes() + "m", "from", base.toString(),
                "to", base.plus(SPAN).toString());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                ask("series", all, List.of()).path("series").path(0).path("points").path(0).path("count").asLong()
                        == purchases.size());
    }

    private static JsonNode ask(String endpoint, Map<String, String> params, List<String> where) {
        var request = given().queryParams(params);
        if (!where.isEmpty()) {
            request.queryParam("where", where);
        }
        String body = request.when().get(PATH + endpoint).then().statusCode(200).extract().asString();
        return Json.read(body, JsonNode.class);
    }

    private void checkSeries(JsonNode answer, Aggregation agg, List<String> groupBy, Instant from, Instant to,
                             Duration step, Duration window, List<Purchase> passing) {
        // The groups: those with a purchase under any point; everything in one group {} without group_by.
        Instant first = window == null ? from : from.minus(window);
        Instant last = from.plus(step.multipliedBy((Duration.between(from, to).toMillis() - 1) / step.toMillis()));
        Instant end = window == null ? last.plus(step) : last;
        Map<Map<String, String>, List<Purchase>> groups = new HashMap<>();
        if (groupBy.isEmpty()) {
            groups.put(Map.of(), new ArrayList<>());
        }
        for (Purchase p : passing) {
            if (!p.ts().isBefore(first) && p.ts().isBefore(end)) {
                groups.computeIfAbsent(group(p, groupBy), g -> new ArrayList<>()).add(p);
            }
        }
        Map<Map<String, String>, JsonNode> answered = new HashMap<>();
        answer.path("series").forEach(s -> answered.put(group(s.path("group")), s.path("points")));
        assertThat(answered.keySet()).as("groups").isEqualTo(groups.keySet());
        groups.forEach((group, covered) -> {
            JsonNode points = answered.get(group);
            int i = 0;
            for (Instant ts = from; ts.isBefore(to); ts = ts.plus(step), i++) {
                Instant lo = window == null ? ts : ts.minus(window);
                Instant hi = window == null ? ts.plus(step) : ts;
                JsonNode point = points.path(i);
                assertThat(point.path("ts").asText()).isEqualTo(ts.toString());
                List<Purchase> under = covered.stream().filter(p -> !p.ts().isBefore(lo) && p.ts().isBefore(hi)).toList();
                checkValue("group " + group + " at " + ts, agg, under, point);
            }
            assertThat(points.size()).as("points of " + group).isEqualTo(i);
        });
    }

    private void checkTop(JsonNode answer, Aggregation agg, List<String> by, int k, List<Purchase> inRange) {
        Map<Map<String, String>, List<Purchase>> groups = inRange.stream()
                .collect(Collectors.groupingBy(p -> group(p, by)));
        List<JsonNode> top = new ArrayList<>();
        answer.path("top").forEach(top::add);
        assertThat(top).as("top groups").hasSize(Math.min(k, groups.size()));
        Set<Map<String, String>> seen = new java.util.HashSet<>();
        for (JsonNode ranked : top) {
            Map<String, String> group = group(ranked.path("group"));
            assertThat(seen.add(group)).as("ranked once: " + group).isTrue();
            assertThat(groups).as("a group with purchases").containsKey(group);
            checkValue("group " + group, agg, groups.get(group), ranked);
        }
        if (isExact(agg)) {
            // Largest first, and no group left out is larger than the last one ranked.
            List<Double> expected = groups.values().stream().map(ps -> exact(agg, ps))
                    .sorted(Comparator.reverseOrder()).limit(k).toList();
            List<Double> values = top.stream().map(r -> r.path("value").asDouble()).toList();
            for (int i = 0; i < expected.size(); i++) {
                assertThat(values.get(i)).as("rank " + i).isCloseTo(expected.get(i), within(tolerance(expected.get(i))));
            }
        }
    }

    /** One answered value against the purchases it covers: exact ones equal, approximate ones within their bound. */
    private void checkValue(String what, Aggregation agg, List<Purchase> covered, JsonNode answered) {
        assertThat(answered.path("count").asLong()).as(what + " count").isEqualTo(covered.size());
        if (covered.isEmpty()) {
            assertThat(answered.path("value").isNull()).as(what + " value of no purchases is null").isTrue();
            return;
        }
        double value = answered.path("value").asDouble();
        if (isExact(agg)) {
            double expected = exact(agg, covered);
            assertThat(value).as(what + " " + agg).isCloseTo(expected, within(tolerance(expected)));
            assertThat(answered.has("error")).isFalse();
        } else if (agg.kind() == Aggregation.Kind.DISTINCT) {
            long distinct = covered.stream().map(Purchase::user).distinct().count();
            double bound = answered.path("error").path("relative").asDouble(Double.NaN);
            withinBound(what + " distinct", Math.abs(value - distinct) / distinct, bound);
        } else {
            double[] values = covered.stream().mapToDouble(Purchase::amount).sorted().toArray();
            double bound = answered.path("error").path("rank").asDouble(Double.NaN);
            // The rank of the answer among the raw values, as an interval: values below it to values up to it.
            long below = Arrays.stream(values).filter(v -> v < value).count();
            long upTo = Arrays.stream(values).filter(v -> v <= value).count();
            double q = agg.quantile();
            double off = q < (double) below / values.length ? (double) below / values.length - q
                    : q > (double) upTo / values.length ? q - (double) upTo / values.length : 0;
            if (bound == 0) {
                // Every value retained: exactly the value at inclusive rank ⌈q·n⌉ (percent × n / 100, in integers).
                long percent = Math.round(q * 100);
                assertThat(value).as(what + " " + agg).isEqualTo(values[(int) ((percent * values.length + 99) / 100) - 1]);
            }
            withinBound(what + " " + agg, off, bound);
        }
    }

    /**
     * An approximate answer's error against its reported bound. The bounds hold with a confidence (95 % for distinct
     * counts, 99 % for quantile ranks), so a few answers may exceed them; none may exceed twice the bound.
     */
    private void withinBound(String what, double error, double bound) {
        assertThat(bound).as(what + " reports its bound").isNotNaN();
        if (bound == 0) {
            assertThat(error).as(what + " is exact").isZero();
            return;
        }
        assertThat(error).as(what + " error against twice its bound " + bound).isLessThanOrEqualTo(2 * bound);
        int[] counts = approximate.computeIfAbsent(what.substring(what.lastIndexOf(' ') + 1), a -> new int[2]);
        counts[0]++;
        counts[1] += error > bound ? 1 : 0;
    }

    /** Beyond their bound no more often than their confidence allows (with slack for small samples). */
    private void bounds() {
        approximate.forEach((agg, counts) -> {
            double allowed = agg.equals("distinct") ? 0.05 : 0.01;
            System.out.printf("QueryPropertiesTest: %s approximate %d times, beyond the bound %d%n", agg, counts[0], counts[1]);
            assertThat(counts[1]).as(agg + " answers beyond their bound").isLessThanOrEqualTo(
                    (int) Math.ceil(2 * allowed * counts[0]) + 2);
        });
    }

    private static boolean isExact(Aggregation agg) {
        return agg.kind() != Aggregation.Kind.DISTINCT && agg.kind() != Aggregation.Kind.QUANTILE;
    }

    private static double exact(Aggregation agg, List<Purchase> covered) {
        double[] values = covered.stream().mapToDouble(Purchase::amount).toArray();
        return switch (agg.kind()) {
            case COUNT -> values.length;
            case SUM -> Arrays.stream(values).sum();
            case AVG -> Arrays.stream(values).sum() / values.length;
            case MIN -> Arrays.stream(values).min().orElseThrow();
            case MAX -> Arrays.stream(values).max().orElseThrow();
            default -> throw new IllegalArgumentException(agg + " is approximate");
        };
    }

    private static double tolerance(double expected) {
        return 1e-9 * Math.max(1, Math.abs(expected));
    }

    /** No filter, or some shops, some countries, or both. */
    private static Map<String, Set<String>> where(Random random) {
        Map<String, Set<String>> where = new TreeMap<>();
        int kind = random.nextInt(4);
        if (kind == 1 || kind == 3) {
            where.put("shop", someOf(random, SHOPS));
        }
        if (kind == 2 || kind == 3) {
            where.put("country", someOf(random, COUNTRIES));
        }
        return where;
    }

    private static Set<String> someOf(Random random, List<String> values) {
        List<String> shuffled = new ArrayList<>(values);
        Collections.shuffle(shuffled, random);
        return new TreeSet<>(shuffled.subList(0, 1 + random.nextInt(values.size() - 1)));
    }

    /** None, one or both group fields, in a random order. */
    private static List<String> subset(Random random) {
        List<String> fields = new ArrayList<>(FIELDS);
        Collections.shuffle(fields, random);
        return List.copyOf(fields.subList(0, random.nextInt(3)));
    }

    private static boolean passes(Purchase p, Map<String, Set<String>> where) {
        return where.entrySet().stream().allMatch(w -> w.getValue().contains(p.field(w.getKey())));
    }

    private static List<Purchase> select(List<Purchase> purchases, Map<String, Set<String>> where, Instant from,
                                         Instant to) {
        Predicate<Purchase> inRange = p -> !p.ts().isBefore(from) && p.ts().isBefore(to);
        return purchases.stream().filter(p -> passes(p, where) && inRange.test(p)).toList();
    }

    private static Map<String, String> group(Purchase p, List<String> fields) {
        Map<String, String> group = new TreeMap<>();
        fields.forEach(f -> group.put(f, p.field(f)));
        return group;
    }

    private static Map<String, String> group(JsonNode node) {
        Map<String, String> group = new TreeMap<>();
        node.properties().forEach(e -> group.put(e.getKey(), e.getValue().asText()));
        return group;
    }
}
