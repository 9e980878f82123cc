package io.pulse.aggregation.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pulse.aggregation.buckets.StoreKeys;
import io.pulse.aggregation.topology.MetricsTopology;
import io.pulse.aggregation.topology.TopologyFixture;
import io.pulse.aggregation.topology.TopologySettings;
import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Final buckets published whole to the sink topics of their metric, driven without a broker. */
class SinkTopologyTest {

    private static final Instant BASE = Instant.parse("2018-12-26T18:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration EMIT = Duration.ofMillis(500);

    /**
     * users: one group, with every kind of aggregation; by_language: a group per language, to two topics;
     * unpublished: no sink. All three go through a repartition topic (none groups by client_name, the key).
     */
    private static final String METRICS = """
              users:
                from: translation_delivered
                value: duration
                distinct: client_name
                granularity: 1m
                allowed-lateness: 5m
                aggregations: [count, sum, max, distinct, p50]
                sinks: [{kafka: {topic: users_per_minute}}]
              by_language:
                from: translation_delivered
                group-by: [target_language]
                granularity: 1m
                allowed-lateness: 5m
                sinks: [{kafka: {topic: languages_per_minute}}, {kafka: {topic: languages_copy}}]
              unpublished:
                from: translation_delivered
                granularity: 1m
                allowed-lateness: 5m
            """;

    /** recent: kept an hour (wall clock) by the query service, and so in the sink store. */
    private static final String RECENT = """
              recent:
                from: translation_delivered
                granularity: 1m
                allowed-lateness: 5m
                retention: 1h
                sinks: [{kafka: {topic: recent_per_minute}}]
            """;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, CanonicalEvent> events;
    private TestOutputTopic<String, String> aggregates;
    private int ids;

    @BeforeEach
    void start() throws IOException {
        drive(TopologyFixture.translationDelivered(dir, METRICS));
    }

    private void drive(Pipeline pipeline) {
        if (driver != null) {
            driver.close();
        }
        driver = TopologyFixture.driver(pipeline, new TopologySettings(EMIT, Duration.ofHours(1), Duration.ofMinutes(5)),
                NOW, registry, dir);
        events = driver.createInputTopic(Topics.events("translation_delivered"), Serdes.String().serializer(),
                MetricsTopology.EVENTS.serializer());
        aggregates = driver.createOutputTopic(Topics.AGGREGATES, Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private record Sent(String client, double duration, String language) {
    }

    private Sent send(String client, Instant ts, double duration, String language) {
        String id = "id-" + ids++;
        var attrs = JsonNodeFactory.instance.objectNode().put("client_name", client).put("duration", duration)
                .put("target_language", language).put("translation_id", id);
        events.pipeInput(client, new CanonicalEvent(id, "translation_delivered", ts.toEpochMilli(), attrs), NOW);
        return new Sent(client, duration, language);
    }

    private Sent send(String client, Instant ts, double duration) {
        return send(client, ts, duration, "fr");
    }

    private void tick() {
        driver.advanceWallClockTime(EMIT);
    }

    private List<TestRecord<String, String>> read(String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.String().deserializer())
                .readRecordsToList();
    }

    /** The records of {@code topic} for the bucket of {@code metric} starting at {@code start}, values parsed. */
    private static List<JsonNode> of(List<TestRecord<String, String>> records, Instant start) {
        return records.stream().map(r -> Json.read(r.value(), JsonNode.class))
                .filter(v -> v.path("ts").asText().equals(start.toString())).toList();
    }

    private static String key(String metric, String group, Instant start) {
        return "{\"metric\":\"" + metric + "\",\"group\":" + group + ",\"ts\":\"" + start + "\"}";
    }

    /** The nearest-rank quantile of the values: the smallest with at least q of them at or below it. */
    private static double nearestRank(double q, List<Sent> sent) {
        double[] sorted = sent.stream().mapToDouble(Sent::duration).sorted().toArray();
        return sorted[(int) Math.ceil(q * sorted.length) - 1];
    }

    /** The record a users bucket of the {@code sent} events should be, its numbers computed from the events. */
    private static void checkUsers(JsonNode record, List<Sent> sent, long late, long revision) {
        List<String> fields = new ArrayList<>();
        record.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("metric", "group", "ts", "end", "step", "count", "values", "error", "late",
                "final", "revision", "updated_at");
        assertThat(record.path("metric").asText()).isEqualTo("users");
        assertThat(record.path("group").isEmpty()).isTrue();
        assertThat(record.path("ts").asText()).isEqualTo(BASE.toString());
        assertThat(record.path("end").asText()).isEqualTo(BASE.plusSeconds(60).toString());
        assertThat(record.path("step").asText()).isEqualTo("1m");
        assertThat(record.path("count").asLong()).isEqualTo(sent.size());
        JsonNode values = record.path("values");
        assertThat(values.path("count").asDouble()).isEqualTo(sent.size());
        assertThat(values.path("sum").asDouble()).isEqualTo(sent.stream().mapToDouble(Sent::duration).sum());
        assertThat(values.path("max").asDouble()).isEqualTo(sent.stream().mapToDouble(Sent::duration).max().orElseThrow());
        assertThat(values.path("distinct").asDouble())
                .isEqualTo(sent.stream().map(Sent::client).collect(Collectors.toSet()).size());
        assertThat(values.path("p50").asDouble()).isEqualTo(nearestRank(0.5, sent));
        // Under a thousand clients and a few values, both sketches are exact.
        assertThat(record.path("error").toString()).isEqualTo("{\"distinct\":{\"relative\":0.0},\"p50\":{\"rank\":0.0}}");
        assertThat(record.path("late").asLong()).isEqualTo(late);
        assertThat(record.path("final").asBoolean()).isTrue();
        assertThat(record.path("revision").asLong()).isEqualTo(revision);
        assertThat(Instant.parse(record.path("updated_at").asText())).isAfterOrEqualTo(NOW);
    }

    @Test
    void aBucketIsPublishedWholeWhenFinalAndAgainAtEachRevisionMergedOnceLetGo() {
        List<Sent> minute = new ArrayList<>();
        minute.add(send("a", BASE.plusSeconds(5), 10));
        minute.add(send("b", BASE.plusSeconds(15), 20));
        minute.add(send("a", BASE.plusSeconds(25), 30));
        minute.add(send("c", BASE.plusSeconds(35), 40));
        tick();
        assertThat(aggregates.readValuesToList()).as("the open bucket is on aggregates").isNotEmpty();
        assertThat(read("users_per_minute")).as("not final: nothing published").isEmpty();

        send("a", BASE.plusSeconds(6 * 60 + 30), 1);     // the clock at 18:06:30, past 18:01 + 5m: 18:00 is final
        tick();
        List<TestRecord<String, String>> first = read("users_per_minute");
        assertThat(first).hasSize(1);
        assertThat(first.get(0).key()).isEqualTo(key("users", "{}", BASE));
        checkUsers(Json.read(first.get(0).value(), JsonNode.class), minute, 0, 0);

        minute.add(send("d", BASE.plusSeconds(45), 50));  // late, while the bucket is kept: published whole again
        tick();
        List<TestRecord<String, String>> second = read("users_per_minute");
        assertThat(second).hasSize(1);
        assertThat(second.get(0).key()).isEqualTo(key("users", "{}", BASE));
        checkUsers(Json.read(second.get(0).value(), JsonNode.class), minute, 1, 1);

        send("a", BASE.plusSeconds(20 * 60), 2);          // the clock at 18:20: 18:00 is let go
        tick();
        assertThat(of(read("users_per_minute"), BASE)).isEmpty();
        aggregates.readValuesToList();
        minute.add(send("a", BASE.plusSeconds(50), 60));  // late for a bucket let go: a revision
        tick();
        List<BucketUpdate> revisions = aggregates.readValuesToList().stream().map(v -> Json.read(v, BucketUpdate.class))
                .filter(u -> u.metric().equals("users") && u.start().equals(BASE)).toList();
        assertThat(revisions).singleElement().satisfies(u -> {
            assertThat(u.isRevision()).isTrue();
            assertThat(u.bucket().count()).as("aggregates carries the late event alone").isEqualTo(1);
        });
        List<TestRecord<String, String>> third = read("users_per_minute");
        assertThat(third).hasSize(1);
        assertThat(third.get(0).key()).isEqualTo(key("users", "{}", BASE));
        checkUsers(Json.read(third.get(0).value(), JsonNode.class), minute, 2, 2);

        // 18:00 three times, 18:06 once (final at 18:20)
        assertThat(registry.counter("pulse.aggregation.sink.records", "metric", "users", "topic", "users_per_minute")
                .count()).isEqualTo(4);
    }

    @Test
    void aGroupedMetricPublishesEachGroupUnderItsOwnKeyToEachOfItsTopics() {
        send("a", BASE.plusSeconds(1), 1, "fr");
        send("b", BASE.plusSeconds(2), 1, "de");
        send("c", BASE.plusSeconds(3), 1, "fr");
        send("a", BASE.plusSeconds(7 * 60), 1, "pt");    // closes 18:00
        tick();
        for (String topic : List.of("languages_per_minute", "languages_copy")) {
            List<TestRecord<String, String>> records = read(topic);
            assertThat(records).as(topic).extracting(TestRecord::key).containsExactlyInAnyOrder(
                    key("by_language", "{\"target_language\":\"de\"}", BASE),
                    key("by_language", "{\"target_language\":\"fr\"}", BASE));
            for (TestRecord<String, String> record : records) {
                JsonNode value = Json.read(record.value(), JsonNode.class);
                String language = value.path("group").path("target_language").asText();
                assertThat(value.path("count").asLong()).as(language).isEqualTo(language.equals("fr") ? 2 : 1);
                assertThat(value.path("values").path("count").asDouble()).isEqualTo(language.equals("fr") ? 2 : 1);
                assertThat(value.has("error")).as("count is exact: no error bounds").isFalse();
                assertThat(value.path("revision").asLong()).isZero();
            }
        }
        assertThat(registry.counter("pulse.aggregation.sink.records", "metric", "by_language", "topic",
                "languages_copy").count()).isEqualTo(2);
    }

    @Test
    void aMetricWithoutSinksWritesToNoTopicAndKeepsNoSinkStore() throws IOException {
        send("a", BASE.plusSeconds(1), 1);
        send("a", BASE.plusSeconds(7 * 60), 1);
        tick();
        Set<String> written = new TreeSet<>(driver.producedTopicNames());
        written.removeIf(t -> t.startsWith(TopologyFixture.APPLICATION_ID + "-"));   // changelogs, repartitions
        assertThat(written).containsExactlyInAnyOrder(Topics.AGGREGATES, "users_per_minute", "languages_per_minute",
                "languages_copy");
        assertThat(read("users_per_minute")).extracting(r -> Json.read(r.value(), JsonNode.class).path("metric").asText())
                .containsOnly("users");
        Set<String> stores = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : new MetricsTopology(TopologyFixture.translationDelivered(dir,
                METRICS), new TopologySettings(EMIT, Duration.ofHours(1), Duration.ofMinutes(5)),
                java.time.Clock.systemUTC(), registry).build().describe().subtopologies()) {
            sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Processor)
                    .forEach(n -> stores.addAll(((TopologyDescription.Processor) n).stores()));
        }
        assertThat(stores).contains("users-sink-published", "by_language-sink-published")
                .doesNotContain("unpublished-sink-published");
    }

    @Test
    void entriesOfBucketsStartingBeforeTheRetentionArePurgedByWallClock() throws IOException {
        drive(TopologyFixture.translationDelivered(dir, RECENT));
        Instant old = NOW.minus(Duration.ofMinutes(50));
        Instant younger = NOW.minus(Duration.ofMinutes(40));
        send("a", old, 1);
        send("a", younger, 1);
        send("a", NOW.minus(Duration.ofMinutes(30)), 1);   // both are final
        tick();
        assertThat(read("recent_per_minute")).hasSize(2);
        KeyValueStore<String, PublishedBucket> store = driver.getKeyValueStore("recent-sink-published");
        assertThat(keys(store)).containsExactly(StoreKeys.of(old.toEpochMilli(), "{}"),
                StoreKeys.of(younger.toEpochMilli(), "{}"));

        // At 00:15 an hour back is 23:15: the bucket of 23:10 is past the retention, that of 23:20 is not.
        driver.advanceWallClockTime(Duration.ofMinutes(15));
        assertThat(keys(store)).doesNotContain(StoreKeys.of(old.toEpochMilli(), "{}"))
                .contains(StoreKeys.of(younger.toEpochMilli(), "{}"));
        read("recent_per_minute");

        // A revision of a purged bucket has nothing to add to: it is published as the whole, numbered anew.
        send("b", old.plusSeconds(10), 1);
        tick();
        List<JsonNode> revised = of(read("recent_per_minute"), old);
        assertThat(revised).singleElement().satisfies(r -> {
            assertThat(r.path("count").asLong()).isEqualTo(1);
            assertThat(r.path("revision").asLong()).isZero();
        });
    }

    private static List<String> keys(KeyValueStore<String, PublishedBucket> store) {
        List<String> keys = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }
}
