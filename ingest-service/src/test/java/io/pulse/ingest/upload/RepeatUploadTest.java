package io.pulse.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The same file uploaded again as the same type counts once, unless the client asks for it to count again. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class RepeatUploadTest {

    private static final String PATH = "/v1/uploads/translation_delivered";
    private static final String HEADER = "timestamp,translation_id,source_language,target_language,client_name,"
            + "event_name,nr_words,duration\n";

    private final String client = "client-" + UUID.randomUUID();
    private final String csv = HEADER
            + "2018-12-26 18:11:08,r-1,en,fr," + client + ",translation_delivered,30,20\n"
            + "2018-12-26 18:12:08,r-2,en,fr," + client + ",translation_delivered,31,21\n"
            + "2018-12-26 18:13:08,r-3,en,fr," + client + ",translation_delivered,32,22\n";

    private Response post(String path, String body) {
        return given().contentType("text/csv").body(body.getBytes(StandardCharsets.UTF_8)).when().post(path);
    }

    /** The upload's final status, from the last of its server-sent events. */
    private JsonNode finished(String id) {
        String stream = given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events")
                .then().statusCode(200).extract().asString();
        List<JsonNode> pushed = Arrays.stream(stream.split("\n")).filter(l -> l.startsWith("data:"))
                .map(l -> Json.read(l.substring(5), JsonNode.class)).toList();
        return pushed.get(pushed.size() - 1);
    }

    /** The ids of this test's rows on the event topic, as a transactional reader would see them. */
    private List<String> rowsOnTheTopic() {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.events("translation_delivered"))
                .stream().map(ConsumerRecord::value).filter(v -> v.contains(client))
                .map(v -> Json.read(v, JsonNode.class).path("id").asText()).sorted().toList();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSameFileAgainIsAnsweredWithTheEarlierUploadAndCountedOnce() throws Exception {
        String first = post(PATH, csv).then().statusCode(202).extract().path("upload_id");
        JsonNode done = finished(first);
        assertThat(done.path("state").asText()).isEqualTo("done");

        Response again = post(PATH, csv);
        again.then().statusCode(200)
                .header("Location", "/v1/uploads/" + first)
                .body("upload_id", equalTo(first))
                .body("duplicate", equalTo(true))
                .body("status.state", equalTo("done"))
                .body("status.accepted", equalTo(3));

        assertThat(rowsOnTheTopic()).containsExactly("r-1", "r-2", "r-3");
        assertThat(done.path("sha256").asText()).isEqualTo(sha256(csv));
    }

    @Test
    void repeatTrueCountsTheSameFileAgain() {
        String first = post(PATH, csv).then().statusCode(202).extract().path("upload_id");
        assertThat(finished(first).path("state").asText()).isEqualTo("done");

        String second = post(PATH + "?repeat=true", csv).then().statusCode(202)
                .body("upload_id", not(equalTo(first))).extract().path("upload_id");
        assertThat(finished(second).path("accepted").asInt()).isEqualTo(3);

        assertThat(rowsOnTheTopic()).containsExactly("r-1", "r-1", "r-2", "r-2", "r-3", "r-3");
    }

    @Test
    void theSameBytesAsAnotherTypeAreAnotherUpload() {
        String first = post(PATH, csv).then().statusCode(202).extract().path("upload_id");
        assertThat(finished(first).path("state").asText()).isEqualTo("done");
        // every row is refused as a song play, but the file is read: the digest is of a type's upload
        String other = post("/v1/uploads/song_play", csv).then().statusCode(202)
                .body("upload_id", not(equalTo(first))).extract().path("upload_id");
        assertThat(finished(other).path("rejected").asInt()).isEqualTo(3);
    }

    @Test
    void aFailedUploadMayBeSentAgain() {
        String broken = csv + "2018-12-26 18:14:08,r-4,en,fr,\"" + client + ",translation_delivered,33,23\n";
        String first = post(PATH, broken).then().statusCode(202).extract().path("upload_id");
        JsonNode failed = finished(first);
        assertThat(failed.path("state").asText()).as(failed.toString()).isEqualTo("failed");

        String retried = post(PATH, broken).then().statusCode(202)
                .body("upload_id", not(equalTo(first))).extract().path("upload_id");
        assertThat(finished(retried).path("state").asText()).isEqualTo("failed");
    }
}
