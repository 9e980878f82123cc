package io.pulse.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.RealShapedFrames;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Frames as real clients send them (samples/frames-real.ndjson: about 2 KB each, many extra and nested fields, keys
 * repeated inside nested objects, CRLF line ends) are accepted whole on every intake path, while the fields the
 * metric and the key read are still checked.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class RealFramesTest {

    private static final Path SAMPLE = Path.of("../samples/frames-real.ndjson");
    private static final int FRAMES = 300;

    private static byte[] sample() throws IOException {
        return Files.readAllBytes(SAMPLE);
    }

    @Test
    void theSampleIsTheGeneratorsOutput() throws IOException {
        Path generated = Files.createTempFile("frames-real", ".ndjson");
        RealShapedFrames.write(generated, FRAMES);
        assertThat(sample()).as("regenerate with RealShapedFrames samples/frames-real.ndjson " + FRAMES)
                .isEqualTo(Files.readAllBytes(generated));
        assertThat(new String(sample(), StandardCharsets.UTF_8)).contains("\r\n");
    }

    @Test
    void everyFrameOfTheSampleIsAcceptedAsNdjson() throws IOException {
        given().contentType("application/x-ndjson; charset=UTF-8").body(sample())
                .when().post("/v1/events/frame")
                .then().statusCode(202).body("accepted", equalTo(FRAMES)).body("rejected", equalTo(0))
                // frames of 2018-12-26: unique_users' minutes (five minutes late at most) closed long ago
                .body("backfill", equalTo(FRAMES)).body("errors", empty());
    }

    @Test
    void everyFrameIsAcceptedInAJsonArrayAndKeptWithItsExtraFields() throws IOException {
        List<String> lines = new String(sample(), StandardCharsets.UTF_8).lines().toList();
        given().contentType("application/json").body("[" + String.join(",\r\n", lines) + "]")
                .when().post("/v1/events/frame")
                .then().statusCode(202).body("accepted", equalTo(FRAMES)).body("rejected", equalTo(0));
        // frame 0 repeats client.locale: readers keep the last value written
        String session = Json.read(lines.get(0), JsonNode.class).path("session").asText();
        JsonNode stored = TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.events("frame"))
                .stream().map(ConsumerRecord::value).filter(v -> v.contains(session))
                .map(v -> Json.read(v, JsonNode.class)).findFirst().orElseThrow();
        assertThat(stored.path("attrs").path("client").path("locale").asText()).isEqualTo("fr-FR");
        assertThat(stored.path("attrs").path("device").path("os").isTextual()).isTrue();
        assertThat(stored.path("attrs").path("segments").size()).isEqualTo(10);
    }

    @Test
    void oneFrameWithRepeatedNestedKeysIsAccepted() {
        given().contentType("application/json").body(RealShapedFrames.frame(5))
                .when().post("/v1/events/frame")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejected", equalTo(0));
    }

    @Test
    void everyFrameOfTheSampleIsAcceptedAsAnUpload() throws IOException {
        String id = given().contentType("application/x-ndjson; charset=UTF-8").body(sample())
                .when().post("/v1/uploads/frame")
                .then().statusCode(202).extract().path("upload_id");
        String stream = given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events")
                .then().statusCode(200).extract().asString();
        List<JsonNode> pushed = Arrays.stream(stream.split("\n")).filter(l -> l.startsWith("data:"))
                .map(l -> Json.read(l.substring(5), JsonNode.class)).toList();
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("state").asText()).isEqualTo("done");
        assertThat(last.path("rows_read").asInt()).isEqualTo(FRAMES);
        assertThat(last.path("accepted").asInt()).isEqualTo(FRAMES);
        assertThat(last.path("rejected").asInt()).isZero();
    }

    @Test
    void aFrameWithoutUidOrWithATextTsIsStillRejectedAtThatField() {
        String noUid = RealShapedFrames.frame(1).replaceFirst("\"uid\": \"u-[0-9]+\", ", "");
        String textTs = RealShapedFrames.frame(2).replaceFirst("\"ts\": [0-9]+", "\"ts\": \"yesterday\"");
        assertThat(noUid).doesNotContain("\"uid\"");
        assertThat(textTs).contains("\"ts\": \"yesterday\"");
        given().contentType("application/x-ndjson; charset=UTF-8").body((noUid + "\r\n" + textTs + "\r\n").getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/frame")
                .then().statusCode(202).body("accepted", equalTo(0)).body("rejected", equalTo(2))
                .body("errors[0].index", equalTo(0)).body("errors[0].errors[0].field", equalTo("/uid"))
                .body("errors[1].index", equalTo(1)).body("errors[1].errors[0].field", equalTo("/ts"));
    }
}
