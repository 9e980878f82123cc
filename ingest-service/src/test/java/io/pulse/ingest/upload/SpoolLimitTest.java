package io.pulse.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TestKeys;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A spool at its limit refuses the upload with 507 and keeps nothing of it; the service goes on serving. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(SpoolLimitTest.SmallSpool.class)
class SpoolLimitTest {

    private static final long LIMIT = 64 * 1024;
    private static final String DIRECTORY = "target/uploads-small-spool";
    private static final String HEADER = "timestamp,translation_id,source_language,target_language,client_name,"
            + "event_name,nr_words,duration\n";

    public static class SmallSpool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pulse.ingest.uploads.max-spool-bytes", Long.toString(LIMIT),
                    "pulse.ingest.uploads.directory", DIRECTORY);
        }
    }

    @TestHTTPResource("/v1/uploads/translation_delivered")
    URI uploads;

    private final String client = "client-" + UUID.randomUUID();

    private String rows(int n) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < n; i++) {
            csv.append("2018-12-26 18:11:08,s-").append(i).append(",en,fr,").append(client)
                    .append(",translation_delivered,30,20\n");
        }
        return csv.toString();
    }

    private long rowsOnTheTopic() {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), Topics.events("translation_delivered"))
                .stream().filter(r -> r.value().contains(client)).count();
    }

    private static long spooledFiles() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(DIRECTORY))) {
            return files.filter(f -> f.toString().endsWith(".spool")).count();
        }
    }

    @Test
    void anUploadPastTheSpoolLimitIs507AndLeavesNothingBehind() throws Exception {
        String big = rows(2000);
        assertThat((long) big.length()).isGreaterThan(LIMIT);

        // with a Content-Length: refused before the body is read
        given().contentType("text/csv").body(big.getBytes(StandardCharsets.UTF_8)).when().post(uploads)
                .then().statusCode(507).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/spool-full"))
                .body("detail", containsString("pulse.ingest.uploads.max-spool-bytes"))
                .body("max_spool_bytes", equalTo((int) LIMIT));

        // streamed without a length: refused once the spool reaches its limit, the partial file removed
        HttpResponse<String> streamed = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(uploads).header("Content-Type", "text/csv").header(TestKeys.AUTHORIZATION, TestKeys.admin())
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(507);
        assertThat(Json.read(streamed.body(), JsonNode.class).path("type").asText()).endsWith("/spool-full");
        assertThat(spooledFiles()).isZero();

        // sent 2000 rows twice, none acknowledged, none on the topic; a small upload after them is read whole
        String small = rows(10);
        String id = given().contentType("text/csv").body(small.getBytes(StandardCharsets.UTF_8)).when()
                .post(uploads).then().statusCode(202).extract().path("upload_id");
        String stream = given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertThat(stream).contains("\"state\":\"done\"").contains("\"accepted\":10");
        assertThat(rowsOnTheTopic()).isEqualTo(10);
        assertThat(spooledFiles()).isZero();
    }
}
