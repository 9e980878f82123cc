package io.pulse.ingest.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class EventResourceTest {

    private static final String TOPIC = Topics.events("translation_delivered");

    /** A unique client per test, so each test finds its own records among everything on the shared topics. */
    private final String client = "client-" + UUID.randomUUID();

    private String event(String id, String timestamp, String duration) {
        return """
                {"timestamp": "%s", "translation_id": "%s", "source_language": "en", "target_language": "fr",
                 "client_name": "%s", "event_name": "translation_delivered", "nr_words": 30, "duration": %s}"""
                .formatted(timestamp, id, client, duration).replace("\n", "");
    }

    private List<JsonNode> mine(String topic) {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), topic).stream()
                .map(ConsumerRecord::value).filter(v -> v.contains(client)).map(v -> Json.read(v, JsonNode.class)).toList();
    }

    @Test
    void acceptsOneObjectAndStoresTheCanonicalEvent() {
        given().contentType("application/json").body(event("t-1", "2018-12-26 18:11:08.509654", "20"))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejected", equalTo(0));

        var records = TopicReader.readAll(KafkaResource.broker().bootstrapServers(), TOPIC).stream()
                .filter(r -> r.value().contains(client)).toList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(client);
        JsonNode event = Json.read(records.get(0).value(), JsonNode.class);
        assertThat(event.path("id").asText()).isEqualTo("t-1");
        assertThat(event.path("type").asText()).isEqualTo("translation_delivered");
        // Microseconds are beyond the millisecond event time: 18:11:08.509654 is kept as 18:11:08.509.
        assertThat(event.path("ts").asLong()).isEqualTo(Instant.parse("2018-12-26T18:11:08.509Z").toEpochMilli());
        assertThat(event.path("attrs").path("duration").asInt()).isEqualTo(20);
    }

    @Test
    void ndjsonLinesStandAloneAndRejectedOnesReachTheDeadLetterTopic() {
        String body = String.join("\n",
                event("n-1", "2018-12-26 18:11:08", "20"),
                event("n-2", "2018-12-26 18:12:08", "\"slow\""),
                "{\"client_name\": \"" + client + "\", oops",
                "",
                event("n-3", "2018-12-26 18:13:08", "31"));
        given().contentType("application/x-ndjson; charset=UTF-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202)
                .body("accepted", equalTo(2)).body("rejected", equalTo(2))
                .body("errors[0].index", equalTo(1)).body("errors[0].errors[0].field", equalTo("/duration"))
                .body("errors[1].index", equalTo(2)).body("errors[1].errors[0].message", containsString("line 3"));

        assertThat(mine(TOPIC)).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrder("n-1", "n-3");
        List<JsonNode> dead = mine(Topics.DLQ);
        assertThat(dead).hasSize(2);
        assertThat(dead).extracting(d -> d.path("type").asText()).containsOnly("translation_delivered");
        assertThat(dead).anySatisfy(d -> {
            assertThat(d.path("raw").asText()).contains("\"slow\"");
            assertThat(d.path("reasons").path(0).path("field").asText()).isEqualTo("/duration");
            assertThat(d.path("received_at").asText()).isNotEmpty();
        });
    }

    @Test
    void arraysAreValidatedItemByItem() {
        String body = "[" + event("a-1", "2018-12-26 18:11:08", "20") + ","
                + "{\"client_name\": \"" + client + "\"}" + ","
                + event("a-3", "3018-12-26 18:11:08", "20") + "]";
        given().contentType("application/json").body(body)
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejected", equalTo(2))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].errors.field", hasItem("/duration"))
                .body("errors[0].errors.field", hasItem("/timestamp"))
                .body("errors[1].index", equalTo(2))
                .body("errors[1].errors[0].field", equalTo("/timestamp"))
                .body("errors[1].errors[0].message", containsString("ahead of the server clock"));
        assertThat(mine(TOPIC)).extracting(e -> e.path("id").asText()).containsExactly("a-1");
    }

    /**
     * delivery_time has one-minute buckets and five minutes of allowed lateness: an hour-old event's bucket closed
     * 54 minutes ago at the latest, a 30-second-old event's bucket closes five minutes from now at the earliest.
     */
    @Test
    void acceptedEventsWhoseBucketsClosedAreCountedAsBackfill() {
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        Instant now = Instant.now();
        String body = "[" + event("b-1", utc.format(now.minus(Duration.ofHours(1))), "20") + ","
                + event("b-2", utc.format(now.minusSeconds(30)), "20") + ","
                + event("b-3", "2018-12-26 18:11:08", "20") + ","
                + event("b-4", "2018-12-26 18:11:08", "\"slow\"") + "]";
        String reply = given().contentType("application/json").body(body)
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202).extract().asString();
        assertThat(reply).startsWith("{\"accepted\":3,\"rejected\":1,\"backfill\":2,\"errors\":[{\"index\":3,");
    }

    @Test
    void malformedJsonIsA400WithLineAndColumnAndNothingIsSent() {
        String body = "[" + event("m-1", "2018-12-26 18:11:08", "20") + ",\n{\"duration\": }]";
        given().contentType("application/json").body(body)
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/malformed-json"))
                .body("line", equalTo(2)).body("column", equalTo(14));
        assertThat(mine(TOPIC)).isEmpty();
    }

    @Test
    void unknownTypeIsA404Problem() {
        given().contentType("application/json").body("{}")
                .when().post("/v1/events/no_such_type")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/unknown-event-type"))
                .body("detail", containsString("no_such_type"))
                .body("known", hasItem("translation_delivered"));
    }

    @Test
    void wrongMediaTypeIsA415Problem() {
        given().contentType("text/plain").body("hello")
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
    }

    @Test
    void emptyBodyIsA400Problem() {
        given().contentType("application/x-ndjson; charset=UTF-8").body("\n\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/empty-body"));
    }

    @Test
    void oversizedBodyIsA413Problem() {
        String line = event("big", "2018-12-26 18:11:08", "20") + "\n";
        String body = line.repeat((int) (70L * 1024 * 1024 / line.length()));
        given().contentType("application/x-ndjson; charset=UTF-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(413).contentType("application/problem+json")
                .body("limit_bytes", equalTo(67108864));
    }
}
