package io.pulse.aggregation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The service wired to a real broker: canonical events in, bucket updates and sink records out, health reported. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(StateDirResource.class)
class AggregationServiceTest {

    /** Readiness on the management interface (the path is relative to its {@code /q}). */
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void eventsOnTheTopicBecomeBucketsOnAggregates() throws Exception {
        String client = "client-" + UUID.randomUUID();
        Instant minute = Instant.parse("2018-12-26T18:11:00Z");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (double duration : List.of(20.0, 31.0, 54.0)) {
                var attrs = JsonNodeFactory.instance.objectNode().put("client_name", client).put("duration", duration);
                var event = new CanonicalEvent(UUID.randomUUID().toString(), "translation_delivered",
                        minute.plusSeconds((long) duration).toEpochMilli(), attrs);
                producer.send(new ProducerRecord<>(Topics.events("translation_delivered"), client, Json.writeString(event))).get();
            }
        }

        BucketUpdate bucket = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> latest(client), u -> u != null && u.bucket().count() == 3);
        assertThat(bucket.start()).isEqualTo(minute);
        assertThat(bucket.bucket().sum()).isEqualTo(105.0);
        assertThat(bucket.bucket().min()).isEqualTo(20.0);
        assertThat(bucket.bucket().max()).isEqualTo(54.0);

        // A second stream thread joining or a follow-up rebalance may briefly take the instance out of RUNNING
        // (readiness 503, rightly); it must come back without help.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().when().get(ready).then().statusCode(200));
    }

    @Test
    void aFinalMinuteOfFramesIsPublishedToTheSinkTopic() throws Exception {
        Instant minute = Instant.parse("2019-03-04T10:20:00Z");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            // One record key for all, so one source partition: its clock alone decides when the minute is final.
            List<String> users = List.of("u1", "u2", "u1");
            for (int i = 0; i < users.size(); i++) {
                send(producer, users.get(i), minute.plusSeconds(10L * i));
            }
            send(producer, "u3", minute.plus(Duration.ofMinutes(7)));   // past the end and the 5 m of lateness
        }

        JsonNode record = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> sinkRecord(minute), r -> r != null);
        assertThat(record.path("metric").asText()).isEqualTo("unique_users");
        assertThat(record.path("count").asLong()).isEqualTo(3);
        assertThat(record.path("values").path("distinct").asDouble()).isEqualTo(2.0);
        assertThat(record.path("final").asBoolean()).isTrue();
        assertThat(record.path("revision").asLong()).isZero();
    }

    private static void send(KafkaProducer<String, String> producer, String uid, Instant ts) throws Exception {
        var attrs = JsonNodeFactory.instance.objectNode().put("uid", uid).put("ts", ts.getEpochSecond());
        var frame = new CanonicalEvent(UUID.randomUUID().toString(), "frame", ts.toEpochMilli(), attrs);
        producer.send(new ProducerRecord<>(Topics.events("frame"), "frames", Json.writeString(frame))).get();
    }

    /** The committed record of unique_users_per_minute for the minute, by its key; null while there is none. */
    private static JsonNode sinkRecord(Instant minute) {
        String key = "{\"metric\":\"unique_users\",\"group\":{},\"ts\":\"" + minute + "\"}";
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), "unique_users_per_minute").stream()
                .filter(r -> key.equals(r.key())).map(r -> Json.read(r.value(), JsonNode.class)).findFirst()
                .orElse(null);
    }

    private static BucketUpdate latest(String client) {
        BucketUpdate last = null;
        for (var record : TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.AGGREGATES)) {
            if (record.value().contains(client)) {
                BucketUpdate u = Json.read(record.value(), BucketUpdate.class);
                if (last == null || u.bucket().count() >= last.bucket().count()) {
                    last = u;
                }
            }
        }
        return last;
    }
}
