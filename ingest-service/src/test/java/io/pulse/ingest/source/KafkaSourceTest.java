package io.pulse.ingest.source;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.common.Topics;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PrometheusSamples;
import io.pulse.stack.testing.RealShapedFrames;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Records produced to the bundled pipeline's source topic {@code raw.frames}, as any client would, are read back from
 * {@code events.frame} and {@code events.dlq} as a {@code read_committed} reader sees them: each record once, as an
 * event or as a dead letter that names where it was.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class KafkaSourceTest {

    private static final String SOURCE = "raw.frames";
    /** An independent reader of what was sent: the frames as plain JSON, without Pulse's own mapper. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Inject
    KafkaSources sources;

    @Inject
    Pipeline pipeline;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private static String bootstrap() {
        return KafkaResource.broker().bootstrapServers();
    }

    /** Frame {@code n} marked with the test run, so its event is told apart from other tests' frames. */
    private static String frame(String run, long n) {
        return RealShapedFrames.frame(n).replaceFirst("^\\{", "{\"run\": \"" + run + "\", ");
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(SOURCE, null, value)).get();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sourceOf(RecordMetadata sent) {
        return "kafka " + SOURCE + " partition " + sent.partition() + " offset " + sent.offset();
    }

    /** The events of the run on events.frame, as committed. */
    private static List<ConsumerRecord<String, String>> events(String run) {
        return TopicReader.readAll(bootstrap(), Topics.events("frame")).stream()
                .filter(record -> record.value().contains("\"run\":\"" + run + "\"")).toList();
    }

    private static JsonNode json(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the samples of a Prometheus metric whose labels include every given {@code name="value"}. */
    private double sample(String metric, String... labels) {
        return PrometheusSamples.sum(given().when().get(metrics).then().statusCode(200).extract().asString(), metric,
                labels);
    }

    private double sourceRecords(String outcome) {
        return sample("pulse_ingest_source_records_total", "type=\"frame\"", "topic=\"" + SOURCE + "\"",
                "outcome=\"" + outcome + "\"");
    }

    @Test
    void eachGoodRecordBecomesOneEventAndEachBadOneADeadLetterNamingWhereItWas() throws Exception {
        String run = UUID.randomUUID().toString();
        double accepted = sourceRecords("accepted");
        double deadLettered = sourceRecords("dead_letter");
        Map<Long, String> sent = new LinkedHashMap<>();
        Map<String, String> expectedReasons = new LinkedHashMap<>();
        Map<String, String> expectedRaw = new LinkedHashMap<>();
        String notJson = "{\"run\": \"" + run + "\", not json";
        String array = "[" + frame(run, 1000) + "]";
        String noUid = frame(run, 1001).replaceFirst("\"uid\": \"u-[0-9]+\", ", "");
        assertThat(noUid).doesNotContain("\"uid\"");
        // ISO-8859-1 bytes of "é": 0xE9 alone is not UTF-8
        byte[] latin1 = ("{\"run\": \"" + run + "\", \"name\": \"caf\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long n = 0; n < 20; n++) {
                sent.put(n, frame(run, n));
                send(producer, utf8(sent.get(n)));
            }
            RecordMetadata at = send(producer, utf8(notJson));
            expectedReasons.put(sourceOf(at), "malformed JSON at line 1, column");
            expectedRaw.put(sourceOf(at), notJson);
            at = send(producer, latin1);
            expectedReasons.put(sourceOf(at), "not valid UTF-8");
            expectedRaw.put(sourceOf(at), new String(latin1, StandardCharsets.UTF_8));
            at = producer.send(new ProducerRecord<>(SOURCE, utf8("deleted"), null)).get();
            expectedReasons.put(sourceOf(at), "tombstone");
            expectedRaw.put(sourceOf(at), "");
            at = send(producer, utf8(array));
            expectedReasons.put(sourceOf(at), "array found, object expected");
            expectedRaw.put(sourceOf(at), array);
            at = send(producer, utf8(noUid));
            expectedReasons.put(sourceOf(at), "required property 'uid' not found");
            expectedRaw.put(sourceOf(at), noUid);
            // good records after the bad ones are read all the same
            for (long n = 20; n < 40; n++) {
                sent.put(n, frame(run, n));
                send(producer, utf8(sent.get(n)));
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> events(run).size() >= sent.size());
        List<ConsumerRecord<String, String>> events = events(run);
        Map<Long, List<JsonNode>> bySeq = events.stream().map(record -> json(record.value()).path("attrs"))
                .collect(Collectors.groupingBy(attrs -> attrs.path("seq").asLong()));
        assertThat(bySeq.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        sent.forEach((n, frame) -> assertThat(bySeq.get(n)).as("frame %d once, as sent", n)
                .containsExactly(json(frame)));
        events.forEach(record -> assertThat(record.key())
                .isEqualTo(json(record.value()).path("attrs").path("uid").asText()));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deadLetters(expectedReasons.keySet())
                .keySet()).containsAll(expectedReasons.keySet()));
        Map<String, List<JsonNode>> letters = deadLetters(expectedReasons.keySet());
        expectedReasons.forEach((source, reason) -> {
            assertThat(letters.get(source)).as("one dead letter for %s", source).hasSize(1);
            JsonNode letter = letters.get(source).get(0);
            assertThat(letter.path("type").asText()).isEqualTo("frame");
            assertThat(letter.path("raw").asText()).isEqualTo(expectedRaw.get(source));
            assertThat(letter.path("reasons").toString()).as(source).contains(reason);
        });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(sourceRecords("accepted") - accepted).isEqualTo(sent.size());
            assertThat(sourceRecords("dead_letter") - deadLettered).isEqualTo(expectedReasons.size());
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().when().get(metrics).then()
                .extract().asString().lines().filter(l -> l.startsWith("pulse_ingest_source_lag{"))
                .filter(l -> l.contains("topic=\"" + SOURCE + "\"")).toList())
                .hasSize(KafkaResource.PARTITIONS).allMatch(l -> l.endsWith(" 0.0")));
    }

    /** The dead letters on events.dlq whose source is one of these, by source. */
    private static Map<String, List<JsonNode>> deadLetters(Set<String> sources) {
        return TopicReader.readAll(bootstrap(), Topics.DLQ).stream().map(record -> json(record.value()))
                .filter(letter -> sources.contains(letter.path("source").asText()))
                .collect(Collectors.groupingBy(letter -> letter.path("source").asText()));
    }

    @Test
    void recordsFlowingWhileReplicasJoinAndLeaveTheGroupAreEachWrittenOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        int chunks = 40;
        int perChunk = 50;
        double accepted = sourceRecords("accepted");
        CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int chunk = 0; chunk < chunks; chunk++) {
                    for (int i = 0; i < perChunk; i++) {
                        producer.send(new ProducerRecord<>(SOURCE, null, utf8(frame(run, chunk * perChunk + i))));
                    }
                    producer.flush();
                    Thread.sleep(150);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // a second and then a third replica join the group and leave it while records arrive
        for (int replica = 0; replica < 2; replica++) {
            Thread.sleep(1000);
            SourceLoop loop = sources.loop(pipeline.eventType("frame").orElseThrow());
            loop.start();
            Thread.sleep(1500);
            loop.stop(Duration.ofSeconds(30));
        }
        flow.get();

        int total = chunks * perChunk;
        await().atMost(Duration.ofSeconds(90)).until(() -> events(run).size() >= total);
        Thread.sleep(2000); // a record written twice would show up in this time too
        Map<Long, Long> copies = events(run).stream().collect(Collectors.groupingBy(
                record -> json(record.value()).path("attrs").path("seq").asLong(), Collectors.counting()));
        assertThat(copies).as("records written").hasSize(total);
        assertThat(copies.values()).as("copies of each record").allMatch(count -> count == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sourceRecords("accepted") - accepted).isEqualTo(total));
    }
}
