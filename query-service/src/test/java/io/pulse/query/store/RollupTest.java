package io.pulse.query.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Answers served from the hourly and daily roll-ups, and from groups summed in PostgreSQL, equal answers computed
 * here by brute force over the buckets published; so do answers after replays and after retention cuts an hour.
 * The buckets lie in June 2025, where no other test stores any, so "all groups" means this test's groups.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class RollupTest {

    private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");
    private static final Instant END = T0.plus(Duration.ofDays(3));

    @Inject
    BucketRepository buckets;

    private final List<String> clients = List.of("a-" + UUID.randomUUID(), "b-" + UUID.randomUUID(), "c-" + UUID.randomUUID());

    /** One published bucket: its group, minute and the whole-number values of its events. */
    private record Published(String client, Instant start, List<Long> values) {
        BucketUpdate update(Instant updatedAt) {
            Bucket b = Bucket.EMPTY;
            for (long v : values) {
                b = b.add(v);
            }
            return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start,
                    start.plusSeconds(60), b, true, updatedAt);
        }

        /** These events as a revision of their bucket: each arrived after the bucket was final. */
        BucketUpdate revision(String id, Instant updatedAt) {
            Bucket b = Bucket.EMPTY;
            for (long v : values) {
                b = b.addLate((double) v, null);
            }
            return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start,
                    start.plusSeconds(60), b, true, updatedAt, id);
        }
    }

    /** About a third of the minutes of two and a half days, for each client, with one to three events each. */
    private List<Published> generate(Random random) {
        List<Published> published = new ArrayList<>();
        for (String client : clients) {
            for (Instant m = T0; m.isBefore(T0.plus(Duration.ofHours(60))); m = m.plusSeconds(60)) {
                if (random.nextInt(3) == 0) {
                    List<Long> values = new ArrayList<>();
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        values.add(1L + random.nextInt(500));
                    }
                    published.add(new Published(client, m, values));
                }
            }
        }
        return published;
    }

    private static void publish(List<BucketUpdate> updates) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (BucketUpdate u : updates) {
                producer.send(new ProducerRecord<>(Topics.AGGREGATES, u.recordKey(), Json.writeString(u)));
            }
            producer.flush();
        }
    }

    /** {@code [value, count]} of {@code agg} over the published buckets of {@code client} (null: all) in {@code [a, b)}. */
    private static Object[] brute(List<Published> published, Aggregation agg, String client, Instant a, Instant b) {
        long count = 0;
        long sum = 0;
        Long min = null;
        Long max = null;
        for (Published p : published) {
            if ((client == null || p.client().equals(client)) && !p.start().isBefore(a) && p.start().isBefore(b)) {
                for (long v : p.values()) {
                    count++;
                    sum += v;
                    min = min == null ? v : Math.min(min, v);
                    max = max == null ? v : Math.max(max, v);
                }
            }
        }
        Double value = count == 0 ? null : switch (agg.kind()) {
            case COUNT -> (double) count;
            case SUM -> (double) sum;
            case AVG -> (double) sum / count;
            case MIN -> (double) min;
            case MAX -> (double) max;
            default -> throw new IllegalArgumentException(agg.wireName());
        };
        return new Object[] {value, count};
    }

    /** The points of every series of the answer as {@code group|ts → [value, count]}. */
    private static Map<String, List<Object>> points(JsonNode answer) {
        Map<String, List<Object>> points = new LinkedHashMap<>();
        for (JsonNode s : answer.path("series")) {
            String group = s.path("group").path("client_name").asText("*");
            for (JsonNode p : s.path("points")) {
                points.put(group + "|" + p.path("ts").asText(), Arrays.asList(
                        p.path("value").isNull() ? null : p.path("value").asDouble(), p.path("count").asLong()));
            }
        }
        return points;
    }

    /**
     * The points expected for a series ({@code window} null) or moving window from {@code from} to END, per client
     * when {@code perClient}, else of all clients.
     */
    private Map<String, List<Object>> expected(List<Published> published, Aggregation agg, Instant from, Duration step,
                                               Duration window, boolean perClient) {
        Map<String, List<Object>> points = new LinkedHashMap<>();
        for (String client : perClient ? clients.stream().sorted().toList() : Collections.<String>singletonList(null)) {
            for (Instant ts = from; ts.isBefore(END); ts = ts.plus(step)) {
                Instant a = window == null ? ts : ts.minus(window);
                Instant b = window == null ? ts.plus(step) : ts;
                Object[] vc = brute(published, agg, client, a, b);
                points.put((client == null ? "*" : client) + "|" + ts, Arrays.asList(vc));
            }
        }
        return points;
    }

    private static JsonNode ask(String path, Map<String, String> params) {
        return Json.read(given().queryParams(params).when().get("/v1/metrics/delivery_time/" + path)
                .then().statusCode(200).extract().asString(), JsonNode.class);
    }

    private Map<String, String> perClient(Map<String, String> params) {
        Map<String, String> p = new HashMap<>(params);
        p.put("group_by", "client_name");
        p.put("where", "client_name:" + String.join("|", clients));
        return p;
    }

    /** Every question below, each answered from a roll-up, from SQL-summed groups or from the buckets themselves. */
    private void assertAnswersMatch(List<Published> published) {
        String from = T0.toString();
        String to = END.toString();
        for (Aggregation agg : Aggregation.VALUE_DEFAULTS) {
            String a = agg.wireName();
            // hourly and daily steps from aligned starts: the roll-ups; all groups: summed in SQL
            for (Duration step : List.of(Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1))) {
                Map<String, String> q = Map.of("from", from, "to", to, "step", Durations.format(step), "agg", a);
                assertThat(points(ask("series", q))).as("all groups, step %s, %s", step, a)
                        .isEqualTo(expected(published, agg, T0, step, null, false));
                assertThat(points(ask("series", perClient(q)))).as("per client, step %s, %s", step, a)
                        .isEqualTo(expected(published, agg, T0, step, null, true));
            }
            // moving windows of whole hours and days
            for (Duration[] ws : new Duration[][] {{Duration.ofHours(1), Duration.ofHours(1)},
                    {Duration.ofHours(3), Duration.ofHours(2)}, {Duration.ofDays(1), Duration.ofDays(1)}}) {
                Map<String, String> q = Map.of("from", from, "to", to, "window", Durations.format(ws[0]),
                        "step", Durations.format(ws[1]), "agg", a);
                assertThat(points(ask("moving", q))).as("moving %s/%s, %s", ws[0], ws[1], a)
                        .isEqualTo(expected(published, agg, T0, ws[1], ws[0], false));
                assertThat(points(ask("moving", perClient(q)))).as("moving per client %s/%s, %s", ws[0], ws[1], a)
                        .isEqualTo(expected(published, agg, T0, ws[1], ws[0], true));
            }
            // a start off the hour: the buckets themselves, summed in SQL or per group
            Instant odd = T0.plus(Duration.ofMinutes(17));
            Map<String, String> q = Map.of("from", odd.toString(), "to", to, "step", "1h", "agg", a);
            assertThat(points(ask("series", q))).as("off the hour, %s", a)
                    .isEqualTo(expected(published, agg, odd, Duration.ofHours(1), null, false));
            assertThat(points(ask("series", perClient(q)))).as("off the hour per client, %s", a)
                    .isEqualTo(expected(published, agg, odd, Duration.ofHours(1), null, true));
            // top over whole days (daily roll-up) and over a range cut mid-hour (buckets)
            for (Instant[] range : new Instant[][] {{T0, T0.plus(Duration.ofDays(2))}, {odd, END.minusSeconds(1800)}}) {
                JsonNode top = ask("top", Map.of("from", range[0].toString(), "to", range[1].toString(), "agg", a,
                        "k", "3", "where", "client_name:" + String.join("|", clients)));
                List<Object> expectedTop = clients.stream()
                        .map(c -> Arrays.asList(c, brute(published, agg, c, range[0], range[1])[0],
                                brute(published, agg, c, range[0], range[1])[1]))
                        .sorted((x, y) -> Double.compare((Double) y.get(1), (Double) x.get(1)))
                        .map(l -> (Object) l).toList();
                List<Object> actualTop = new ArrayList<>();
                for (JsonNode r : top.path("top")) {
                    actualTop.add(Arrays.asList(r.path("group").path("client_name").asText(), r.path("value").asDouble(),
                            r.path("count").asLong()));
                }
                assertThat(actualTop).as("top %s over %s", a, List.of(range)).isEqualTo(expectedTop);
            }
        }
    }

    private void awaitCount(long expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(ask("series", Map.of("from", T0.toString(), "to", END.toString(), "step", "3d",
                        "agg", "count")).path("series").path(0).path("points").path(0).path("count").asLong())
                        .isEqualTo(expected));
    }

    @Test
    void rollUpsAnswerAsTheBucketsDoThroughReplaysAndRetention() throws Exception {
        Random random = new Random(5);
        List<Published> published = generate(random);
        Instant t = Instant.parse("2025-06-04T00:00:00Z");
        publish(published.stream().map(p -> p.update(t)).toList());
        long events = published.stream().mapToLong(p -> p.values().size()).sum();
        awaitCount(events);
        assertAnswersMatch(published);

        // Replayed and stale updates change nothing; a newer value of one bucket, published last, shows when the
        // others have been consumed and moves its hour and day with it.
        publish(published.stream().map(p -> p.update(t)).toList());
        Published first = published.get(0);
        publish(List.of(new Published(first.client(), first.start(), List.of(999_999L)).update(t.minusSeconds(1))));
        Published changed = new Published(first.client(), first.start(), List.of(7L, 8L, 9L, 10L));
        publish(List.of(changed.update(t.plusSeconds(1))));
        awaitCount(events - first.values().size() + 4);
        List<Published> now = new ArrayList<>(published);
        now.set(0, changed);
        assertAnswersMatch(now);

        // A bucket growing as events join it, as buckets do while open: two values of it published together (so
        // most likely consumed in one batch), the second newer; its min falls and its max rises in its hour and day.
        Published open = now.get(1);
        List<Long> grown = new ArrayList<>(open.values());
        grown.add(0L);
        Published partly = new Published(open.client(), open.start(), List.copyOf(grown));
        grown.add(100_000L);
        Published fully = new Published(open.client(), open.start(), List.copyOf(grown));
        publish(List.of(partly.update(t.plusSeconds(2)), fully.update(t.plusSeconds(3))));
        awaitCount(events - first.values().size() + 4 + 2);
        now.set(1, fully);
        assertAnswersMatch(now);

        // A bucket alone in its hour, narrowing (its min rises, its max falls): the hour's extremes, per group and
        // over all groups, are recomputed rather than kept.
        long before = events - first.values().size() + 4 + 2;
        Published alone = new Published(clients.get(2), T0.plus(Duration.ofHours(65)), List.of(1L, 1000L));
        publish(List.of(alone.update(t.plusSeconds(4))));
        awaitCount(before + 2);
        Published narrowed = new Published(alone.client(), alone.start(), List.of(500L));
        publish(List.of(narrowed.update(t.plusSeconds(5))));
        awaitCount(before + 1);
        now.add(narrowed);
        assertAnswersMatch(now);

        // Revisions add their events to their buckets once, whether the store holds the bucket or not (history older
        // than it), however often they are read again; their hour says how many of its events came late.
        Published target = now.get(2);
        Published lateOnes = new Published(target.client(), target.start(), List.of(3L, 4L));
        Published history = new Published(clients.get(0), T0.plus(Duration.ofHours(61)), List.of(42L));
        BucketUpdate addToTarget = lateOnes.revision("events.translation_delivered-0@100", t.plusSeconds(6));
        BucketUpdate addHistory = history.revision("events.translation_delivered-1@100", t.plusSeconds(6));
        publish(List.of(addToTarget, addHistory, addToTarget));
        publish(List.of(addHistory, addToTarget));
        awaitCount(before + 1 + 3);
        List<Long> all = new ArrayList<>(target.values());
        all.addAll(lateOnes.values());
        now.set(2, new Published(target.client(), target.start(), all));
        now.add(history);
        assertAnswersMatch(now);
        Instant hour = target.start().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        JsonNode hourly = ask("series", Map.of("from", hour.toString(), "to", hour.plusSeconds(3600).toString(),
                "step", "1h", "agg", "count", "where", "client_name:" + target.client()));
        assertThat(hourly.path("series").path(0).path("points").path(0).path("late").asLong()).isEqualTo(2);
        assertThat(hourly.path("series").path(0).path("points").path(0).path("revised").asBoolean()).isTrue();
        JsonNode other = ask("series", Map.of("from", hour.toString(), "to", hour.plusSeconds(3600).toString(),
                "step", "1h", "agg", "count", "where", "client_name:" + clients.get(1)));
        assertThat(other.path("series").path(0).path("points").path(0).path("late").asLong()).isZero();
        assertThat(other.path("series").path(0).path("points").path(0).path("revised").asBoolean()).isFalse();

        // Retention cutting through an hour keeps the roll-ups equal to what is left beneath them.
        Instant cut = T0.plus(Duration.ofHours(25)).plus(Duration.ofMinutes(20));
        QuarkusTransaction.requiringNew().run(() -> buckets.deleteStartingBefore("delivery_time", cut));
        List<Published> kept = now.stream().filter(p -> !p.start().isBefore(cut)).toList();
        assertAnswersMatch(kept);
    }
}
