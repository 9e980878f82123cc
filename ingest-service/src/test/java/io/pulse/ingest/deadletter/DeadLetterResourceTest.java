package io.pulse.ingest.deadletter;

import static io.pulse.stack.testing.TestKeys.bearer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.AccessChecks;
import io.pulse.stack.testing.AccessChecks.Answer;
import io.pulse.stack.testing.AccessChecks.Call;
import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/dead-letters} against the real broker: what the events endpoint refused is listed back, newest first,
 * exactly as sent. Each test lists from its own start, so it sees only the dead letters it made.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class DeadLetterResourceTest {

    private static final String TYPE = "translation_delivered";
    private static final String NDJSON = "application/x-ndjson; charset=UTF-8";

    @TestHTTPResource("/")
    URI root;

    private final String client = "client-" + UUID.randomUUID();

    private String delivery(String id, String duration) {
        return """
                {"timestamp": "2018-12-26 18:11:08", "translation_id": "%s", "source_language": "en",
                 "target_language": "fr", "client_name": "%s", "event_name": "translation_delivered",
                 "nr_words": 30, "duration": %s}""".formatted(id, client, duration).replace("\n", "");
    }

    /** A line that is no JSON at all. */
    private String malformed(String id) {
        return "{\"client_name\": \"" + client + "\", \"translation_id\": \"" + id + "\", oops";
    }

    /** Posts the lines as NDJSON and answers the 202's errors, one array of reasons per rejected line, in order. */
    private List<JsonNode> post(String type, String... lines) {
        String reply = given().contentType(NDJSON).body(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/" + type)
                .then().statusCode(202).extract().asString();
        List<JsonNode> reasons = new ArrayList<>();
        Json.read(reply, JsonNode.class).path("errors").forEach(e -> reasons.add(e.path("errors")));
        return reasons;
    }

    private JsonNode list(String query) {
        String answer = given().when().get("/v1/dead-letters?" + query)
                .then().statusCode(200).contentType("application/json").extract().asString();
        return Json.read(answer, JsonNode.class);
    }

    private static List<String> raws(JsonNode page) {
        List<String> raws = new ArrayList<>();
        page.path("dead_letters").forEach(d -> raws.add(d.path("raw").asText()));
        return raws;
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(20); // so that instants taken on either side of a request differ
    }

    @Test
    void listsExactlyTheRefusedItemsOfTheTypeNewestFirstWithReasonsAndRawText() throws InterruptedException {
        Instant start = Instant.now();
        pause();
        String slow = delivery("d-2", "\"slow\"");
        String broken = malformed("d-3");
        List<JsonNode> firstReasons = post(TYPE, delivery("d-1", "20"), slow, broken, delivery("d-4", "31"));
        assertThat(firstReasons).hasSize(2);
        String otherType = "{\"client_name\": \"" + client + "\", \"not_a_trip\": true}";
        assertThat(post("trip", otherType)).hasSize(1);
        String negative = delivery("d-5", "-5");
        List<JsonNode> secondReasons = post(TYPE, negative);
        assertThat(secondReasons).hasSize(1);

        JsonNode page = list("type=" + TYPE + "&since=" + start);
        assertThat(page.path("type").asText()).isEqualTo(TYPE);
        assertThat(page.path("complete").asBoolean()).isTrue();
        assertThat(raws(page)).containsExactly(negative, broken, slow);
        JsonNode letters = page.path("dead_letters");
        assertThat(letters.path(0).path("reasons")).isEqualTo(secondReasons.get(0));
        assertThat(letters.path(1).path("reasons")).isEqualTo(firstReasons.get(1));
        assertThat(letters.path(2).path("reasons")).isEqualTo(firstReasons.get(0));
        for (JsonNode letter : letters) {
            assertThat(letter.path("type").asText()).isEqualTo(TYPE);
            assertThat(letter.path("source").asText()).startsWith("POST /v1/events");
            assertThat(Instant.parse(letter.path("received_at").asText())).isAfter(start);
            assertThat(Instant.parse(letter.path("timestamp").asText())).isAfter(start);
            assertThat(letter.has("partition")).isTrue();
        }
        // Newest first: in one partition (dead letters are keyed by type), offsets go down.
        assertThat(letters.path(0).path("offset").asLong()).isGreaterThan(letters.path(1).path("offset").asLong());
        assertThat(letters.path(1).path("offset").asLong()).isGreaterThan(letters.path(2).path("offset").asLong());

        assertThat(raws(list("type=trip&since=" + start))).containsExactly(otherType);
    }

    @Test
    void limitKeepsTheNewestAndSinceKeepsTheLater() throws InterruptedException {
        Instant start = Instant.now();
        pause();
        String a1 = delivery("e-1", "\"a1\"");
        String a2 = delivery("e-2", "\"a2\"");
        post(TYPE, a1, a2);
        pause();
        Instant middle = Instant.now();
        pause();
        String b1 = delivery("e-3", "\"b1\"");
        String b2 = malformed("e-4");
        String b3 = delivery("e-5", "\"b3\"");
        post(TYPE, b1, b2, b3);

        assertThat(raws(list("type=" + TYPE + "&since=" + start))).containsExactly(b3, b2, b1, a2, a1);
        JsonNode two = list("type=" + TYPE + "&since=" + start + "&limit=2");
        assertThat(raws(two)).containsExactly(b3, b2);
        assertThat(two.path("limit").asInt()).isEqualTo(2);
        assertThat(two.path("complete").asBoolean()).isTrue();
        assertThat(raws(list("type=" + TYPE + "&since=" + middle))).containsExactly(b3, b2, b1);
        // Relative to now, and by default the last day: these are the newest of all, so they come first.
        assertThat(raws(list("type=" + TYPE + "&since=now-1h&limit=5"))).containsExactly(b3, b2, b1, a2, a1);
        assertThat(raws(list("type=" + TYPE + "&limit=5"))).containsExactly(b3, b2, b1, a2, a1);
        assertThat(raws(list("type=" + TYPE + "&since=now"))).isEmpty();
    }

    @Test
    void aDeadLetterKeyedByItsEventIsListedByTheTypeItNames() throws Exception {
        // as the aggregation service wrote its refusals before keying them by type: under the event's own key
        Instant start = Instant.now();
        pause();
        String raw = "{\"id\": \"kept-by-event-key\", \"client\": \"" + client + "\"}";
        DeadLetter letter = new DeadLetter(TYPE, raw, List.of(new FieldError("", "not a Pulse event: no ts")),
                Instant.now(), "aggregation-service events." + TYPE + " partition 0 offset 7", null, null, null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DLQ, "kept-by-event-key", Json.writeString(letter))).get();
        }
        JsonNode page = list("type=" + TYPE + "&since=" + start);
        assertThat(raws(page)).containsExactly(raw);
        assertThat(page.path("dead_letters").path(0).path("source").asText()).isEqualTo(letter.source());
    }

    @Test
    void parameterMistakesAre400ProblemsNamingTheParameter() {
        given().when().get("/v1/dead-letters")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/invalid-parameter"))
                .body("parameter", equalTo("type")).body("allowed", hasItem(TYPE));
        given().when().get("/v1/dead-letters?type=" + TYPE + "&since=yesterday")
                .then().statusCode(400).contentType("application/problem+json")
                .body("parameter", equalTo("since")).body("value", equalTo("yesterday"))
                .body("detail", containsString("'yesterday'"));
        // times no instant or no Kafka timestamp can hold are mistakes too, not failures of the service
        for (String since : List.of("-999999999-01-01T00:00:00Z", "+999999999-01-01T00:00:00Z", "now-PT", "now-")) {
            given().queryParam("type", TYPE).queryParam("since", since).when().get("/v1/dead-letters")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("parameter", equalTo("since")).body("value", equalTo(since));
        }
        for (String limit : List.of("0", "1001", "ten", "-1")) {
            given().when().get("/v1/dead-letters?type=" + TYPE + "&limit=" + limit)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("parameter", equalTo("limit")).body("value", equalTo(limit));
        }
        given().when().get("/v1/dead-letters?type=" + TYPE + "&limit=1000").then().statusCode(200);
        // before the epoch, or far back from now: all there is
        given().when().get("/v1/dead-letters?type=" + TYPE + "&since=1900-01-01T00:00:00Z").then().statusCode(200);
        given().when().get("/v1/dead-letters?type=" + TYPE + "&since=now-999999999d").then().statusCode(200);
    }

    @Test
    void whoMaySendTheTypeMayReadItsDeadLetters() {
        String path = "/v1/dead-letters?type=" + TYPE + "&since=now-1m";
        Answer anonymous = AccessChecks.call(root, new Call("GET", path), null, null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");

        Answer other = AccessChecks.call(root, new Call("GET", path), bearer("trips"), null, null);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.json().path("scope").asText()).isEqualTo("ingest:" + TYPE);
        assertThat(other.json().path("any_of")).extracting(JsonNode::asText)
                .containsExactly("ingest:" + TYPE, "upload:" + TYPE);
        // A reader of metrics only reads no dead letters.
        assertThat(AccessChecks.call(root, new Call("GET", path), bearer("every-metric"), null, null).status())
                .isEqualTo(403);

        assertThat(AccessChecks.call(root, new Call("GET", path), bearer("translations"), null, null).status())
                .isEqualTo(200);
        // Uploading the type is enough.
        assertThat(AccessChecks.call(root, new Call("GET", path), bearer("every-upload"), null, null).status())
                .isEqualTo(200);
    }

    @Test
    void anUnknownTypeIsThe404OfTheOtherEndpoints() {
        Answer admin = AccessChecks.call(root, new Call("GET", "/v1/dead-letters?type=payments"), bearer("admin"),
                null, null);
        assertThat(admin.status()).isEqualTo(404);
        assertThat(admin.json().path("type").asText()).isEqualTo("https://pulse.dev/problems/unknown-event-type");
        assertThat(admin.json().path("known")).extracting(JsonNode::asText)
                .containsExactly("translation_delivered", "frame", "song_play", "trip", "weather_reading");
        // Who may not read the name learns nothing of whether it exists.
        Answer trips = AccessChecks.call(root, new Call("GET", "/v1/dead-letters?type=payments"), bearer("trips"),
                null, null);
        assertThat(trips.status()).isEqualTo(403);
    }
}
