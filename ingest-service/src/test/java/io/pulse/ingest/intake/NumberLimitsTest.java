package io.pulse.ingest.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One number policy on JSON, NDJSON and CSV alike: a value beyond a 64-bit floating-point number is refused where
 * it stands, so is a number of more than 1,000 digits, and a cell of millions of digits is refused without being
 * parsed.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class NumberLimitsTest {

    private static final String OUT_OF_RANGE = "number out of range: larger than a 64-bit floating-point number";
    private static final String HEADER = "timestamp,translation_id,client_name,nr_words,duration\n";

    private final String client = "client-" + UUID.randomUUID();

    private String json(String id, String nrWords, String duration) {
        return "{\"timestamp\": \"2018-12-26 18:11:08\", \"translation_id\": \"%s\", \"client_name\": \"%s\", \"nr_words\": %s, \"duration\": %s}"
                .formatted(id, client, nrWords, duration);
    }

    private String csv(String id, String nrWords, String duration) {
        return "2018-12-26 18:11:08," + id + "," + client + "," + nrWords + "," + duration + "\n";
    }

    private List<String> acceptedIds() {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.events("translation_delivered"))
                .stream().map(ConsumerRecord::value).filter(v -> v.contains(client))
                .map(v -> Json.read(v, JsonNode.class).path("id").asText()).toList();
    }

    private List<JsonNode> deadLetters() {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.DLQ).stream()
                .map(ConsumerRecord::value).filter(v -> v.contains(client)).map(v -> Json.read(v, JsonNode.class)).toList();
    }

    private JsonNode post(String contentType, String body) {
        String reply = given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202).extract().asString();
        return Json.read(reply, JsonNode.class);
    }

    /** The upload's final status, once it is no longer running. */
    private JsonNode upload(String body) {
        String id = given().contentType("text/csv").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/uploads/translation_delivered")
                .then().statusCode(202).body("upload_id", notNullValue()).extract().path("upload_id");
        given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events").then().statusCode(200);
        return Json.read(given().when().get("/v1/uploads/" + id).then().statusCode(200).extract().asString(),
                JsonNode.class);
    }

    /** The reasons a report gives for one item at one field; requests number items from 0, uploads by file line. */
    private static List<String> reasonsAt(JsonNode report, int index, String field) {
        for (JsonNode item : report.path("errors")) {
            if (item.path("index").asInt() == index) {
                return item.path("errors").findParents("field").stream()
                        .filter(e -> e.path("field").asText().equals(field))
                        .map(e -> e.path("message").asText()).toList();
            }
        }
        return List.of();
    }

    @Test
    void valuesBeyondADoubleAreRefusedOnEveryPath() {
        String huge = "9".repeat(400);
        JsonNode array = post("application/json", "[" + json("j-ok", "3", "20") + "," + json("j-inf", "3", "1e999")
                + "," + json("j-big", huge, "20") + "]");
        assertThat(array.path("accepted").asInt()).isEqualTo(1);
        assertThat(array.path("rejected").asInt()).isEqualTo(2);
        assertThat(reasonsAt(array, 1, "/duration")).containsExactly(OUT_OF_RANGE);
        assertThat(reasonsAt(array, 2, "/nr_words")).containsExactly(OUT_OF_RANGE);

        JsonNode ndjson = post("application/x-ndjson; charset=UTF-8", json("n-ok", "3", "20") + "\n" + json("n-inf", "3", "-1e999")
                + "\n" + json("n-big", huge, "20") + "\n");
        assertThat(ndjson.path("accepted").asInt()).isEqualTo(1);
        assertThat(reasonsAt(ndjson, 1, "/duration")).contains(OUT_OF_RANGE); // and below the schema's minimum
        assertThat(reasonsAt(ndjson, 2, "/nr_words")).containsExactly(OUT_OF_RANGE);

        JsonNode upload = upload(HEADER + csv("c-ok", "3", "20") + csv("c-inf", "3", "1e999") + csv("c-big", huge, "20"));
        assertThat(upload.path("state").asText()).isEqualTo("done");
        assertThat(upload.path("accepted").asInt()).isEqualTo(1);
        assertThat(upload.path("rejected").asInt()).isEqualTo(2);
        assertThat(reasonsAt(upload, 3, "/duration")).containsExactly(OUT_OF_RANGE);
        assertThat(reasonsAt(upload, 4, "/nr_words")).containsExactly(OUT_OF_RANGE);

        assertThat(acceptedIds()).containsExactlyInAnyOrder("j-ok", "n-ok", "c-ok");
        assertThat(deadLetters()).hasSize(6);
    }

    @Test
    void aThousandDigitsPassAndOneMoreIsRefusedOnEveryPath() {
        String thousand = "0." + "0".repeat(998) + "5";            // 1,000 digits, a tiny value
        String thousandAndOne = "1" + "0".repeat(1000);             // 1,001 digits
        JsonNode ndjson = post("application/x-ndjson; charset=UTF-8", json("n-1000", "3", thousand) + "\n"
                + json("n-1001", thousandAndOne, "20") + "\n");
        assertThat(ndjson.path("accepted").asInt()).isEqualTo(1);
        assertThat(reasonsAt(ndjson, 1, "")).singleElement().asString().contains("(1001)", "(1000");

        JsonNode upload = upload(HEADER + csv("c-1000", "3", thousand) + csv("c-1001", thousandAndOne, "20"));
        assertThat(upload.path("accepted").asInt()).isEqualTo(1);
        assertThat(reasonsAt(upload, 3, "/nr_words")).containsExactly("number of 1001 digits, more than the 1000 allowed");

        assertThat(acceptedIds()).containsExactlyInAnyOrder("n-1000", "c-1000");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCellOfTwentyMillionDigitsIsRefusedUnparsedAndItsDeadLetterFits() throws Exception {
        String row = csv("c-huge", "3", "7".repeat(20_000_000));
        JsonNode upload = upload(HEADER + row + csv("c-after", "3", "20"));
        assertThat(upload.path("state").asText()).isEqualTo("done");
        assertThat(upload.path("accepted").asInt()).isEqualTo(1);
        assertThat(reasonsAt(upload, 2, "/duration"))
                .containsExactly("number of 20000000 digits, more than the 1000 allowed");
        assertThat(acceptedIds()).containsExactly("c-after");

        String text = row.substring(0, row.length() - 1); // the record without its line end
        JsonNode letter = deadLetters().stream().filter(d -> d.path("raw").asText().contains("c-huge")).findFirst()
                .orElseThrow();
        assertThat(letter.path("truncated").asBoolean()).isTrue();
        assertThat(letter.path("raw").asText()).isEqualTo(text.substring(0, 65_536));
        assertThat(letter.path("raw_bytes").asLong()).isEqualTo(text.length());
        assertThat(letter.path("raw_sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))));
    }
}
