package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import io.pulse.stack.testing.RealShapedFrames;
import io.pulse.stack.testing.TopicReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The frames job Kafka to Kafka: real-shaped frames go into the source topic {@code raw.frames} with a plain
 * producer, with bad records among them, while the ingest service is killed with SIGKILL and restarted and a second
 * ingest replica joins; unique users
 * per minute are read from the sink topic. Every source record must yield exactly one event or one dead letter, and
 * each minute's published count and distinct users must equal a computation over the frames sent.
 */
class KafkaToKafkaIT {

    private static final int FRAMES = 30_000;
    private static final int USERS = 700; // under the distinct count's exact limit, so the answer is exact
    private static final long START = RealShapedFrames.START_SECONDS - RealShapedFrames.START_SECONDS % 60;
    private static final String SOURCE = "raw.frames";
    private static final String SINK = "unique_users_per_minute";
    private static final byte[][] BAD = {
            "not json".getBytes(StandardCharsets.UTF_8),
            {(byte) 0xC3, (byte) 0x28, '{', '}'}, // not UTF-8
            "[{\"ts\": 1545847800, \"uid\": \"u-1\"}]".getBytes(StandardCharsets.UTF_8), // an array, not one frame
            "{\"ts\": 1545847800}".getBytes(StandardCharsets.UTF_8), // no uid
            null, // a tombstone
    };

    @RegisterExtension
    static final RunningStack platform = new RunningStack(
            TestStacks.HOME.resolve("end-to-end/src/test/resources/kafka-pipeline.yaml").toString(), 2);

    @Test
    void everySourceRecordCountsOnceAndEachMinuteIsPublishedExactly() throws Exception {
        Map<Long, Long> count = new TreeMap<>();
        Map<Long, Set<String>> users = new TreeMap<>();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int n = 0; n < FRAMES; n++) {
                long ts = START + n * 240L / FRAMES; // four minutes of frames
                String uid = "u-" + (n * 7919L % USERS);
                producer.send(new ProducerRecord<>(SOURCE, frame(n, ts, uid).getBytes(StandardCharsets.UTF_8)));
                count.merge(ts / 60 * 60, 1L, Long::sum);
                users.computeIfAbsent(ts / 60 * 60, m -> new HashSet<>()).add(uid);
                if (n % (FRAMES / BAD.length) == 17) {
                    producer.send(new ProducerRecord<>(SOURCE, BAD[n / (FRAMES / BAD.length)]));
                }
                if (n == FRAMES / 3) {
                    producer.flush();
                    // Mid-stream: the source's transactions are in flight when the process dies.
                    platform.stack().restart(Service.INGEST, true, System.out);
                }
                if (n == 2 * FRAMES / 3) {
                    producer.flush();
                    // A second replica joins the source's consumer group: the partitions move while frames flow.
                    platform.stack().startInstance(Service.INGEST, Ports.free(), "ingest-2", System.out);
                }
            }
        }
        String kafka = platform.stack().kafkaBootstrapServers();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TopicReader.count(kafka, "events.frame") >= FRAMES);
        double seconds = (System.nanoTime() - started) / 1e9;
        // Anything still on its way has arrived by now; a repeat would show as one record too many.
        Thread.sleep(3_000);
        assertThat(TopicReader.count(kafka, "events.frame")).as("events routed, once each").isEqualTo(FRAMES);
        var deadLetters = TopicReader.readAll(kafka, "events.dlq").stream()
                .map(r -> json(r.value())).filter(d -> d.path("source").asText().contains(SOURCE)).toList();
        assertThat(deadLetters).as("one dead letter per bad record").hasSize(BAD.length);
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.path("source").asText()).matches(
                "kafka raw\\.frames partition \\d+ offset \\d+"));

        Map<Long, JsonNode> published = new HashMap<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            published.clear();
            for (ConsumerRecord<String, String> r : TopicReader.readAll(kafka, SINK)) {
                JsonNode record = json(r.value());
                published.put(Instant.parse(record.path("ts").asText()).getEpochSecond(), record);
            }
            assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(count.keySet());
            // the latest record of each minute (late frames, if any, republish it whole with the next revision)
            published.forEach((minute, record) -> {
                assertThat(record.path("metric").asText()).isEqualTo("unique_users");
                assertThat(record.path("final").asBoolean()).as("minute %d final", minute).isTrue();
                assertThat(record.path("count").asLong()).as("count of minute %d", minute).isEqualTo(count.get(minute));
                assertThat(record.path("values").path("distinct").asDouble()).as("users in minute %d", minute)
                        .isEqualTo((double) users.get(minute).size());
            });
        });
        System.out.printf("[kafka-to-kafka] %d frames and %d bad records through %s with an ingest crash: all routed"
                + " in %.1f s (%.0f frames/s); %d minutes published to %s%n", FRAMES, BAD.length, SOURCE, seconds,
                FRAMES / seconds, published.size(), SINK);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frame {@code n} as real clients send it, at the given time and of the given user. */
    private static String frame(int n, long ts, String uid) {
        String real = RealShapedFrames.frame(n);
        return "{\"ts\": " + ts + ", \"uid\": \"" + uid + "\"" + real.substring(real.indexOf(", \"channel\""));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.stack().kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
