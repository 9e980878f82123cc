package io.pulse.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class UploadResourceTest {

    private static final String TOPIC = Topics.events("translation_delivered");
    private static final String HEADER = "timestamp,translation_id,source_language,target_language,client_name,"
            + "event_name,nr_words,duration\n";

    private final String client = "client-" + UUID.randomUUID();

    private List<JsonNode> mine(String topic) {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), topic).stream()
                .map(ConsumerRecord::value).filter(v -> v.contains(client)).map(v -> Json.read(v, JsonNode.class)).toList();
    }

    private String upload(String contentType, String body) {
        return given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/uploads/translation_delivered")
                .then().statusCode(202).body("upload_id", notNullValue())
                .extract().path("upload_id");
    }

    /** The server-sent events of an upload, each event's data as JSON; the stream ends when the upload does. */
    private List<JsonNode> events(String id) {
        String stream = given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events")
                .then().statusCode(200).extract().asString();
        return Arrays.stream(stream.split("\n")).filter(l -> l.startsWith("data:"))
                .map(l -> Json.read(l.substring(5), JsonNode.class)).toList();
    }

    @Test
    void csvRowsAreConvertedToTheSchemaTypesAndStreamedToKafka() {
        String csv = HEADER
                + "2018-12-26 18:11:08.509654,c-1,en,fr," + client + ",translation_delivered,30,20\n"
                + "2018-12-26 18:15:19,c-2,en,fr," + client + ",translation_delivered,,31.5\n"
                + "2018-12-26 18:16:00,c-3,en,fr," + client + ",translation_delivered,12,slow\n";
        String id = upload("text/csv", csv);

        List<JsonNode> pushed = events(id);
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("state").asText()).isEqualTo("done");
        assertThat(last.path("rows_read").asInt()).isEqualTo(3);
        assertThat(last.path("accepted").asInt()).isEqualTo(2);
        assertThat(last.path("rejected").asInt()).isEqualTo(1);
        // the whole file was read: a progress bar at bytes_read / bytes ends at 100 %
        int size = csv.getBytes(StandardCharsets.UTF_8).length;
        assertThat(last.path("bytes").asInt()).isEqualTo(size);
        assertThat(last.path("bytes_read").asInt()).isEqualTo(size);
        assertThat(pushed).allSatisfy(s -> assertThat(s.path("bytes_read").asLong()).isBetween(0L, (long) size));
        // line 4 of the file: the header is line 1
        assertThat(last.path("errors").path(0).path("index").asInt()).isEqualTo(4);
        assertThat(last.path("errors").path(0).path("errors").path(0).path("field").asText()).isEqualTo("/duration");

        List<JsonNode> events = mine(TOPIC);
        assertThat(events).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrder("c-1", "c-2");
        JsonNode first = events.stream().filter(e -> e.path("id").asText().equals("c-1")).findFirst().orElseThrow();
        assertThat(first.path("attrs").path("nr_words").isIntegralNumber()).isTrue();
        assertThat(first.path("attrs").path("nr_words").asInt()).isEqualTo(30);
        assertThat(first.path("ts").asLong()).isEqualTo(Instant.parse("2018-12-26T18:11:08.509Z").toEpochMilli());
        JsonNode second = events.stream().filter(e -> e.path("id").asText().equals("c-2")).findFirst().orElseThrow();
        assertThat(second.path("attrs").has("nr_words")).as("an empty cell is an absent field").isFalse();
        assertThat(second.path("attrs").path("duration").decimalValue()).isEqualByComparingTo("31.5");

        List<JsonNode> dead = mine(Topics.DLQ);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).path("raw").asText()).isEqualTo(
                "2018-12-26 18:16:00,c-3,en,fr," + client + ",translation_delivered,12,slow");
        assertThat(dead.get(0).path("source").asText()).isEqualTo("POST /v1/uploads/" + id + " line 4");

        given().when().get("/v1/uploads/" + id).then().statusCode(200)
                .body("state", equalTo("done")).body("accepted", equalTo(2)).body("format", equalTo("csv"));
    }

    @Test
    void ndjsonUploadsReportLinesAndKeepBadOnes() {
        String line = "{\"timestamp\": \"2018-12-26 18:11:08\", \"translation_id\": \"%s\", \"client_name\": \""
                + client + "\", \"duration\": 20}\n";
        String body = line.formatted("u-1") + "{not json\n\n" + line.formatted("u-2");
        String id = upload("application/x-ndjson; charset=UTF-8", body);

        List<JsonNode> pushed = events(id);
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("state").asText()).isEqualTo("done");
        assertThat(last.path("accepted").asInt()).isEqualTo(2);
        assertThat(last.path("rejected").asInt()).isEqualTo(1);
        // both accepted rows are of 2018: their minutes of delivery_time closed long before the upload came
        assertThat(last.path("backfill").asInt()).isEqualTo(2);
        assertThat(last.path("errors").path(0).path("index").asInt()).isEqualTo(2);
        assertThat(mine(TOPIC)).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrder("u-1", "u-2");
    }

    @Test
    void columnsTheSchemaDoesNotNameAreKeptAsText() {
        String csv = "timestamp,translation_id,client_name,duration,colour\n"
                + "2018-12-26 18:11:08,x-1," + client + ",20,red\n";
        List<JsonNode> pushed = events(upload("text/csv", csv));
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("accepted").asInt()).isEqualTo(1);
        assertThat(last.path("rejected").asInt()).isZero();
        assertThat(mine(TOPIC)).singleElement()
                .satisfies(e -> assertThat(e.path("attrs").path("colour").asText()).isEqualTo("red"));
    }

    @Test
    void formulasInCellsAreKeptAsDataButQuotedInReasons() {
        String csv = HEADER + "=HYPERLINK(\"http://evil\"),f-1,en,fr," + client + ",translation_delivered,1,2\n";
        String id = upload("text/csv", csv);
        List<JsonNode> pushed = events(id);
        JsonNode reason = pushed.get(pushed.size() - 1).path("errors").path(0).path("errors").path(0);
        assertThat(reason.path("field").asText()).isEqualTo("/timestamp");
        assertThat(reason.path("message").asText()).startsWith("''=HYPERLINK(");
        assertThat(mine(Topics.DLQ).get(0).path("raw").asText()).startsWith("\"=HYPERLINK(\"\"http://evil\"\")\",f-1");
    }

    @Test
    void unknownUploadsAre404Problems() {
        given().when().get("/v1/uploads/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/unknown-upload"));
        given().when().get("/v1/uploads/../../etc/passwd/events").then().statusCode(404);
    }
}
