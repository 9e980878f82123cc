package io.pulse.aggregation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled delivery_time metric (1m buckets, 5m allowed lateness, by client) driven without a broker. */
class MetricsTopologyTest {

    private static final Instant BASE = Instant.parse("2018-12-26T18:00:00Z");
    private TopologyTestDriver driver;
    private TestInputTopic<String, CanonicalEvent> events;
    private TestOutputTopic<String, String> aggregates;

    @TempDir
    Path dir;

    /**
     * The bundled pipeline plus a metric grouped by a field other than the partition key, which takes the
     * repartitioning path of the topology.
     */
    private Pipeline pipeline() throws IOException {
        String schema;
        try (var in = getClass().getClassLoader().getResourceAsStream("pulse/schemas/translation_delivered.schema.json")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, """
                event-types:
                  translation_delivered:
                    schema: %s
                    timestamp: {field: timestamp, formats: ["yyyy-MM-dd HH:mm:ss[.SSSSSS]"]}
                    key: client_name
                metrics:
                  delivery_time:
                    from: translation_delivered
                    value: duration
                    group-by: [client_name]
                    granularity: 1m
                    allowed-lateness: 5m
                  by_language:
                    from: translation_delivered
                    value: duration
                    group-by: [target_language]
                    granularity: 5m
                """.formatted(schema.replace("\n", " ")));
        return PipelineLoader.load(file.toString());
    }

    @BeforeEach
    void start() throws IOException {
        var topology = new MetricsTopology(pipeline(), Clock.systemUTC()).build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        events = driver.createInputTopic(Topics.events("translation_delivered"), Serdes.String().serializer(),
                MetricsTopology.EVENTS.serializer());
        aggregates = driver.createOutputTopic(Topics.AGGREGATES, Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private record Sent(String client, Instant ts, double duration, String language) {
        Sent(String client, Instant ts, double duration) {
            this(client, ts, duration, "fr");
        }
    }

    private void send(Sent e) {
        var attrs = JsonNodeFactory.instance.objectNode().put("client_name", e.client()).put("duration", e.duration())
                .put("target_language", e.language());
        // The record timestamp is arrival time; windows must follow the event's own ts.
        events.pipeInput(e.client(), new CanonicalEvent("id", "translation_delivered", e.ts().toEpochMilli(), attrs),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    private Map<String, BucketUpdate> latestByKey() {
        return aggregates.readKeyValuesToMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Json.read(e.getValue(), BucketUpdate.class)));
    }

    @Test
    void bucketsEqualABruteForceComputationPerClientAndMinute() {
        Random random = new Random(42);
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // In order, up to 30 s apart, over three clients: no event is late.
            Instant ts = BASE.plusMillis(i * 3_000L + random.nextInt(3_000));
            sent.add(new Sent("client-" + random.nextInt(3), ts, random.nextInt(1000) / 10.0,
                    List.of("fr", "de", "pt").get(random.nextInt(3))));
        }
        sent.forEach(this::send);
        Map<String, BucketUpdate> latest = latestByKey();

        checkBuckets(latest, "delivery_time", sent, Sent::client, "client_name", Duration.ofMinutes(1));
        checkBuckets(latest, "by_language", sent, Sent::language, "target_language", Duration.ofMinutes(5));
    }

    private static void checkBuckets(Map<String, BucketUpdate> latest, String metric, List<Sent> sent,
                                     java.util.function.Function<Sent, String> groupOf, String field, Duration size) {
        Map<String, DoubleSummaryStatistics> expected = sent.stream().collect(Collectors.groupingBy(
                e -> groupOf.apply(e) + "@" + Instant.ofEpochMilli(Math.floorDiv(e.ts().toEpochMilli(), size.toMillis()) * size.toMillis()),
                Collectors.summarizingDouble(Sent::duration)));
        Map<String, BucketUpdate> actual = latest.values().stream().filter(u -> u.metric().equals(metric))
                .collect(Collectors.toMap(u -> u.group().get(field) + "@" + u.start(), u -> u));

        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, stats) -> {
            BucketUpdate u = actual.get(key);
            assertThat(u.group()).containsOnlyKeys(field);
            assertThat(u.bucket().count()).as(key).isEqualTo(stats.getCount());
            assertThat(u.bucket().sum()).as(key).isCloseTo(stats.getSum(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(u.bucket().min()).as(key).isEqualTo(stats.getMin());
            assertThat(u.bucket().max()).as(key).isEqualTo(stats.getMax());
            assertThat(Duration.between(u.start(), u.end())).isEqualTo(size);
        });
    }

    @Test
    void lateEventsMergeWithinTheAllowedLatenessOnly() {
        send(new Sent("a", BASE.plusSeconds(10), 20));                  // bucket 18:00
        send(new Sent("a", BASE.plusSeconds(4 * 60 + 30), 31));         // stream time 18:04:30
        send(new Sent("a", BASE.plusSeconds(20), 40));                  // 18:00 bucket ends 18:01; 18:04:30 ≤ 18:06: merged
        send(new Sent("a", BASE.plusSeconds(7 * 60), 54));              // stream time 18:07 > 18:06: bucket 18:00 closed
        send(new Sent("a", BASE.plusSeconds(30), 1000));                // too late: must not change bucket 18:00

        BucketUpdate first = latestByKey().values().stream()
                .filter(u -> u.metric().equals("delivery_time") && u.start().equals(BASE)).findFirst().orElseThrow();
        assertThat(first.bucket().count()).isEqualTo(2);
        assertThat(first.bucket().sum()).isEqualTo(60.0);
        assertThat(first.bucket().max()).isEqualTo(40.0);
    }
}
