package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class LiveResourceTest {

    @TestHTTPResource("/v1/metrics/delivery_time/live")
    URL live;

    private static void publish(BucketUpdate u) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
        }
    }

    private static BucketUpdate update(String client, double value) {
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start,
                start.plusSeconds(60), Bucket.EMPTY.add(value), 0, false, Instant.now());
    }

    @Test
    void changedBucketsArePushedAsTheyAreStored() throws Exception {
        String followed = "live-" + UUID.randomUUID();
        String other = "other-" + UUID.randomUUID();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(live + "?where=client_name:" + followed))
                .header("Accept", "text/event-stream").build();
        var response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> r.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(response::isDone);
        assertThat(response.get().statusCode()).isEqualTo(200);

        publish(update(other, 5));
        publish(update(followed, 42));
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.contains(followed)));
        String data = lines.stream().filter(l -> l.startsWith("data:") && l.contains(followed)).findFirst().orElseThrow();
        var bucket = Json.read(data.substring("data:".length()), com.fasterxml.jackson.databind.JsonNode.class);
        assertThat(bucket.path("avg").asDouble()).isEqualTo(42.0);
        assertThat(bucket.path("count").asLong()).isEqualTo(1);
        assertThat(bucket.path("final").asBoolean()).isFalse();
        assertThat(lines).anyMatch(l -> l.equals("event:bucket") || l.equals("event: bucket"));
        assertThat(lines).noneMatch(l -> l.contains(other));
    }

    @Test
    void badLiveRequestsAreProblems() {
        given().when().get("/v1/metrics/nope/live").then().statusCode(404).contentType("application/problem+json");
        given().queryParam("where", "region:eu").when().get("/v1/metrics/delivery_time/live").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("group_by", "client_name").when().get("/v1/metrics/delivery_time/live").then().statusCode(400);
    }
}
