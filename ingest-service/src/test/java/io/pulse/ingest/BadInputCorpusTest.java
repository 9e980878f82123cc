package io.pulse.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.TestKeys;
import io.pulse.stack.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of {@code src/test/resources/corpus} sent as its case in {@code cases.json} says, each expectation
 * written by hand from the case's bytes: the status, the problem type and where it points, and on the real broker
 * that nothing reached the event topic while every rejected item reached the dead letters.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class BadInputCorpusTest {

    private static final String EVENTS = Topics.events("translation_delivered");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URI base;

    /** One corpus case; absent expectations are not checked. */
    record Case(String name, String file, String method, String path, String content_type, int status,
                String problem, JsonNode members, int rejected, Long index, String field, String state,
                String failure, String message_starts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/corpus/cases.json")) {
            return Arrays.stream(Json.MAPPER.readValue(in, Case[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] body(Case c) throws IOException {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/corpus/" + c.file())) {
            assertThat(in).as("corpus file " + c.file()).isNotNull();
            return in.readAllBytes();
        }
    }

    private static List<ConsumerRecord<String, String>> read(String topic) {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), topic);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRefusedPreciselyAndKept(Case c) throws IOException, InterruptedException {
        int eventsBefore = read(EVENTS).size();
        int deadBefore = read(Topics.DLQ).size();

        // java.net.http sends the corpus bytes and headers exactly as given, and no Content-Type unless told
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(c.path())).header(TestKeys.AUTHORIZATION, TestKeys.admin())
                .method(c.method(), HttpRequest.BodyPublishers.ofByteArray(body(c)));
        if (c.content_type() != null) {
            request.header("Content-Type", c.content_type());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());

        if (c.problem() != null) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode problem = Json.read(response.body(), JsonNode.class);
            assertThat(problem.path("type").asText()).isEqualTo("https://pulse.dev/problems/" + c.problem());
            assertThat(problem.path("status").asInt()).isEqualTo(c.status());
            assertThat(problem.path("detail").asText()).isNotBlank();
            if (c.members() != null) {
                c.members().properties().forEach(m -> assertThat(problem.get(m.getKey())).as(m.getKey())
                        .isEqualTo(m.getValue()));
            }
        }

        JsonNode report = null;
        if (c.status() == 202 && c.state() == null) {
            report = Json.read(response.body(), JsonNode.class);
            assertThat(report.path("accepted").asInt()).isZero();
            assertThat(report.path("rejected").asInt()).isEqualTo(c.rejected());
        } else if (c.state() != null) {
            report = finalStatus(Json.read(response.body(), JsonNode.class).path("upload_id").asText());
            assertThat(report.path("state").asText()).as(report.toString()).isEqualTo(c.state());
            assertThat(report.path("accepted").asInt()).isZero();
            assertThat(report.path("rejected").asInt()).isEqualTo(c.rejected());
            if (c.failure() != null) {
                assertThat(report.path("failure").asText()).contains(c.failure());
            }
        }
        if (c.field() != null) {
            JsonNode first = report.path("errors").path(0);
            assertThat(first.path("index").asLong()).isEqualTo(c.index());
            assertThat(first.path("errors").path(0).path("field").asText()).isEqualTo(c.field());
            assertThat(first.path("errors").path(0).path("message").asText()).isNotBlank();
            if (c.message_starts() != null) {
                assertThat(first.path("errors").path(0).path("message").asText()).startsWith(c.message_starts());
            }
        }

        assertThat(read(EVENTS)).as("nothing reaches " + EVENTS).hasSize(eventsBefore);
        List<ConsumerRecord<String, String>> dead = read(Topics.DLQ);
        List<JsonNode> added = new ArrayList<>();
        dead.subList(deadBefore, dead.size()).forEach(r -> added.add(Json.read(r.value(), JsonNode.class)));
        assertThat(added).as("every rejected item reaches " + Topics.DLQ).hasSize(c.rejected());
        for (JsonNode letter : added) {
            assertThat(letter.path("type").asText()).isEqualTo("translation_delivered");
            assertThat(letter.path("raw").asText()).isNotEmpty();
            assertThat(letter.path("reasons")).isNotEmpty();
            assertThat(letter.path("received_at").asText()).isNotEmpty();
        }
    }

    /** The last status pushed over server-sent events: the stream ends when the upload does. */
    private static JsonNode finalStatus(String id) {
        String stream = given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events")
                .then().statusCode(200).extract().asString();
        List<String> data = Arrays.stream(stream.split("\n")).filter(l -> l.startsWith("data:")).toList();
        return Json.read(data.get(data.size() - 1).substring(5), JsonNode.class);
    }
}
