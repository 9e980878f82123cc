package io.pulse.ingest.idempotency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
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
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Requests as one Kafka transaction, Idempotency-Key replays, and dead letters that never fail their request. Every
 * check reads the real topics back as the aggregation does ({@code read_committed}); expected counts come from what
 * the test sent.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(IdempotentIngestTest.FourMiBBodies.class)
class IdempotentIngestTest {

    /** A body limit that a test can pass half-way in a few seconds. */
    public static class FourMiBBodies implements QuarkusTestProfile {
        static final int LIMIT = 4 * 1024 * 1024;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pulse.ingest.max-body-bytes", String.valueOf(LIMIT));
        }
    }

    private static final String TOPIC = Topics.events("translation_delivered");

    private final String client = "client-" + UUID.randomUUID();

    @TestHTTPResource("/v1/events/translation_delivered")
    URL endpoint;

    private String event(String id) {
        return ("{\"timestamp\": \"2018-12-26 18:11:08\", \"translation_id\": \"%s\", \"source_language\": \"en\","
                + " \"target_language\": \"fr\", \"client_name\": \"%s\", \"event_name\": \"translation_delivered\","
                + " \"nr_words\": 30, \"duration\": 20}").formatted(id, client);
    }

    private String ndjson(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> event("e-" + i)).collect(Collectors.joining("\n")) + "\n";
    }

    private List<JsonNode> mine(String topic) {
        return TopicReader.readAll(KafkaResource.broker().bootstrapServers(), topic).stream()
                .map(ConsumerRecord::value).filter(v -> v.contains(client)).map(v -> Json.read(v, JsonNode.class)).toList();
    }

    /** How many times each event id of this test's client is on the events topic. */
    private Map<String, Long> storedIds() {
        return mine(TOPIC).stream().collect(Collectors.groupingBy(e -> e.path("id").asText(), Collectors.counting()));
    }

    private static Map<String, Long> once(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toMap(i -> "e-" + i, i -> 1L));
    }

    private ExtractableResponse<Response> post(String key, String body) {
        return given().contentType("application/x-ndjson; charset=UTF-8").header("Idempotency-Key", key)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered").then().extract();
    }

    @Test
    void aResendWithTheSameKeyIsAnsweredAsBeforeAndStoresNothing() {
        String key = UUID.randomUUID().toString();
        String body = ndjson(0, 5) + "{\"client_name\": \"" + client + "\", oops\n";

        ExtractableResponse<Response> first = post(key, body);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        ExtractableResponse<Response> again = post(key, body);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.asString()).isEqualTo(first.asString());
        assertThat(first.asString()).startsWith("{\"accepted\":5,\"rejected\":1,");

        assertThat(storedIds()).isEqualTo(once(0, 5));
        assertThat(mine(Topics.DLQ)).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsA422() {
        String key = UUID.randomUUID().toString();
        assertThat(post(key, ndjson(0, 2)).statusCode()).isEqualTo(202);

        given().contentType("application/x-ndjson; charset=UTF-8").header("Idempotency-Key", key)
                .body(ndjson(0, 3).getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/idempotency-key-reused"))
                .body("idempotency_key", equalTo(key));
        assertThat(storedIds()).isEqualTo(once(0, 2));
    }

    @Test
    void anEmptyOrOverlongKeyIsA400() {
        for (String key : List.of("", "\"\"", "k".repeat(256))) {
            given().contentType("application/x-ndjson; charset=UTF-8").header("Idempotency-Key", key)
                    .body(ndjson(0, 1).getBytes(StandardCharsets.UTF_8))
                    .when().post("/v1/events/translation_delivered")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://pulse.dev/problems/invalid-idempotency-key"));
        }
        assertThat(storedIds()).isEmpty();
    }

    @Test
    void aKeyStillInFlightOnThisInstanceIsA409() throws Exception {
        String key = UUID.randomUUID().toString();
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream slowBody = new PipedInputStream(writer, 64 * 1024);
        // More than the service buffers before it starts reading a body: the request is being read, not complete.
        writer.write(ndjson(0, 200).getBytes(StandardCharsets.UTF_8));
        writer.flush();
        CompletableFuture<HttpResponse<String>> first = send(key, () -> slowBody);
        Thread.sleep(2000);

        given().contentType("application/x-ndjson; charset=UTF-8").header("Idempotency-Key", key)
                .body(ndjson(0, 2).getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/idempotency-key-in-flight"));

        writer.write(ndjson(200, 201).getBytes(StandardCharsets.UTF_8));
        writer.close();
        assertThat(first.get().statusCode()).isEqualTo(202);
        assertThat(storedIds()).isEqualTo(once(0, 201));
    }

    @Test
    void aLineOverOneMiBIsOneRejectedItemWithATruncatedHashedDeadLetter() throws NoSuchAlgorithmException {
        // The client's name first, so the kept beginning still says whose line it was.
        String huge = "{\"client_name\": \"" + client + "\", \"notes\": \"" + "é".repeat(1024 * 1024) + "\"}";
        String body = ndjson(0, 3) + huge + "\n" + ndjson(3, 6);

        given().contentType("application/x-ndjson; charset=UTF-8").header("Idempotency-Key", UUID.randomUUID().toString())
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered")
                .then().statusCode(202).body("accepted", equalTo(6)).body("rejected", equalTo(1))
                .body("errors[0].index", equalTo(3));

        assertThat(storedIds()).isEqualTo(once(0, 6));
        List<JsonNode> dead = mine(Topics.DLQ);
        assertThat(dead).hasSize(1);
        JsonNode letter = dead.get(0);
        byte[] line = huge.getBytes(StandardCharsets.UTF_8);
        String kept = letter.path("raw").asText();
        assertThat(letter.path("truncated").asBoolean()).isTrue();
        assertThat(letter.path("raw_bytes").asLong()).isEqualTo(line.length);
        assertThat(letter.path("raw_sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line)));
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isBetween(65536 - 3, 65536);
        assertThat(huge).startsWith(kept);
    }

    @Test
    void aBodyRefusedAs413HalfWayLeavesNothingAndItsResendCountsOnce() throws Exception {
        String tooLarge = ndjson(0, 30_000);
        assertThat(tooLarge.length()).isGreaterThan(FourMiBBodies.LIMIT);
        // Streamed without a Content-Length, so the limit is passed only after many lines were read and sent.
        HttpResponse<String> refused = send(null,
                () -> new ByteArrayInputStream(tooLarge.getBytes(StandardCharsets.UTF_8))).get();
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(storedIds()).isEmpty();

        assertThat(post(UUID.randomUUID().toString(), ndjson(0, 10_000)).statusCode()).isEqualTo(202);
        assertThat(storedIds()).isEqualTo(once(0, 10_000));
    }

    private CompletableFuture<HttpResponse<String>> send(String key, java.util.function.Supplier<InputStream> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.toString())).header(TestKeys.AUTHORIZATION, TestKeys.admin())
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
