package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.query.AggregatesTopic;
import io.pulse.query.store.EventOutcomes;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A metric's totals: its buckets' events and late ones, and its type's duplicates and dead letters, each once. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class MetricDetailTest {

    private static final Instant START = Instant.parse("2024-07-01T12:00:00Z");

    @Inject
    EventOutcomes outcomes;

    private static JsonNode events(String metric) {
        return Json.read(given().when().get("/v1/metrics/" + metric).then().statusCode(200)
                .extract().asString(), JsonNode.class).path("events");
    }

    @Test
    void aMetricCountsItsEventsTheLateOnesAndWhatItsTypeLost() {
        JsonNode before = events("heat_index");
        String city = "city-" + UUID.randomUUID();
        Bucket three = Bucket.EMPTY.add(80).add(81).add(82);
        Bucket twoLate = Bucket.EMPTY.addLate(90.0, null).addLate(91.0, null);
        var group = new TreeMap<>(Map.of("city", city));
        AggregatesTopic.publish(List.of(
                new BucketUpdate("heat_index", group, START, START.plusSeconds(3600), three, true, Instant.now()),
                new BucketUpdate("heat_index", group, START.minus(Duration.ofDays(400)),
                        START.minus(Duration.ofDays(400)).plusSeconds(3600), twoLate, true, Instant.now(),
                        "events.weather_reading-0@7")));
        String letter = "{\"type\":\"weather_reading\",\"raw\":\"{}\",\"reasons\":[],\"received_at\":\"2024-07-01T12:00:00Z\"}";
        AggregatesTopic.send(Topics.DLQ, List.of(letter, letter, letter.replace("weather_reading", "trip"), "not json"));
        AggregatesTopic.send(Topics.DUPLICATES, List.of("{\"id\":\"w-1\",\"type\":\"weather_reading\",\"ts\":0,\"attrs\":{}}"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonNode after = events("heat_index");
            assertThat(after.path("aggregated").asLong() - before.path("aggregated").asLong()).isEqualTo(5);
            assertThat(after.path("late").asLong() - before.path("late").asLong()).isEqualTo(2);
            assertThat(after.path("dead_letters").asLong() - before.path("dead_letters").asLong()).isEqualTo(2);
            assertThat(after.path("duplicates").asLong() - before.path("duplicates").asLong()).isEqualTo(1);
        });
        JsonNode detail = Json.read(given().when().get("/v1/metrics/heat_index").then().statusCode(200)
                .extract().asString(), JsonNode.class);
        assertThat(detail.path("name").asText()).isEqualTo("heat_index");
        assertThat(detail.path("granularity").asText()).isEqualTo("1h");
    }

    @Test
    void recordsReadAgainAreNotCountedAgain() throws Exception {
        String topic = "test.outcomes-" + UUID.randomUUID();
        long before = outcomes.of("song_play").get(EventOutcomes.Outcome.DEAD_LETTER);
        List<EventOutcomes.Counted> batch = List.of(
                new EventOutcomes.Counted(topic, 0, 0, "song_play", EventOutcomes.Outcome.DEAD_LETTER),
                new EventOutcomes.Counted(topic, 0, 1, "song_play", EventOutcomes.Outcome.DEAD_LETTER),
                new EventOutcomes.Counted(topic, 1, 0, "song_play", EventOutcomes.Outcome.DEAD_LETTER));
        outcomes.count(batch);
        outcomes.count(batch);                                                   // the same batch read again
        outcomes.count(List.of(batch.get(1), new EventOutcomes.Counted(topic, 0, 2, "song_play",
                EventOutcomes.Outcome.DEAD_LETTER)));                             // overlapping the last one
        assertThat(outcomes.of("song_play").get(EventOutcomes.Outcome.DEAD_LETTER) - before).isEqualTo(4);
    }

    @Test
    void anUnknownMetricIsAProblem() {
        given().when().get("/v1/metrics/nope").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
