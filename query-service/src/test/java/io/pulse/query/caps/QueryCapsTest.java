package io.pulse.query.caps;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.query.AggregatesTopic;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.pulse.stack.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each cap on the work of one question reached and answered, over real HTTP, with the bundled pipeline's metrics
 * stored in a real PostgreSQL from the real aggregates topic; the caps set low here so that a few buckets reach them.
 */
@QuarkusTest
@TestProfile(QueryCapsTest.LowCaps.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class QueryCapsTest {

    static final int MAX_TOP_K = 5;
    static final int MAX_RANKED_GROUPS = 20;
    static final int MAX_BOXES = 2;
    static final int MAX_BOX_CELLS = 50;
    static final int MAX_SUBSCRIBERS = 2;
    /** Callers of the live streams, one stream each: the tests' keys that may read every metric. */
    static final List<String> CALLERS = List.of("admin", "every-metric", "translations");

    public static class LowCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pulse.query.max-top-k", "" + MAX_TOP_K,
                    "pulse.query.max-ranked-groups", "" + MAX_RANKED_GROUPS,
                    "pulse.query.max-window", "1h",
                    "pulse.query.max-boxes", "" + MAX_BOXES,
                    "pulse.query.max-box-cells", "" + MAX_BOX_CELLS,
                    "pulse.query.max-live-subscribers", "" + MAX_SUBSCRIBERS,
                    "pulse.query.max-live-subscribers-per-caller", "1",
                    "pulse.query.live-heartbeat", "1s");
        }
    }

    private static final String PROBLEMS = "https://pulse.dev/problems/";
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/v1/metrics/delivery_time/live")
    URL live;

    private BucketUpdate trips(String region, String cell, String day, long count) {
        Instant start = Instant.parse(day + "T00:00:00Z");
        Bucket b = Bucket.EMPTY;
        for (int i = 0; i < count; i++) {
            b = b.addCount();
        }
        return new BucketUpdate("trips", new TreeMap<>(Map.of("region", region, "origin_cell", cell)), start,
                start.plus(Duration.ofDays(1)), b, false, Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static void problem(io.restassured.response.Response answer, int status, String type, Object limit,
                                String setting) {
        answer.then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + type))
                .body("status", equalTo(status))
                .body("limit", equalTo(limit))
                .body("setting", equalTo(setting));
    }

    @Test
    void kIsAtMostTheCapAndDefaultsToIt() {
        problem(given().queryParam("k", MAX_TOP_K + 1).when().get("/v1/metrics/trips/top"), 400, "too-many-groups",
                MAX_TOP_K, "pulse.query.max-top-k");
        given().queryParam("k", MAX_TOP_K + 1).when().get("/v1/metrics/trips/top").then()
                .body("title", equalTo("Too many groups asked for")).body("parameter", equalTo("k"));
        given().queryParam("k", MAX_TOP_K).queryParam("from", "2017-01-01").queryParam("to", "2017-01-02")
                .when().get("/v1/metrics/trips/top").then().statusCode(200).body("k", equalTo(MAX_TOP_K));
        // without k: 10, unless the cap is lower
        given().queryParam("from", "2017-01-01").queryParam("to", "2017-01-02")
                .when().get("/v1/metrics/trips/top").then().statusCode(200).body("k", equalTo(MAX_TOP_K));
        // not a count at all stays a mistake of the parameter
        for (String notACount : List.of("0", "-3", "ten")) {
            given().queryParam("k", notACount).when().get("/v1/metrics/trips/top").then().statusCode(400)
                    .body("type", equalTo(PROBLEMS + "invalid-parameter")).body("parameter", equalTo("k"))
                    .body("detail", equalTo("k: '" + notACount + "' is not a whole number from 1 to " + MAX_TOP_K));
        }
    }

    @Test
    void aRankingOverMoreStoredGroupsThanTheCapIsRefusedBeforeItsBucketsAreRead() {
        // region r<i> holds i trips on 2017-02-01, for i = 1..20: exactly the cap of stored groups
        String day = "2017-02-01";
        List<BucketUpdate> twenty = IntStream.rangeClosed(1, MAX_RANKED_GROUPS)
                .mapToObj(i -> trips(run + "-r" + i, "u4pru", day, i)).toList();
        AggregatesTopic.publish(twenty);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                given().queryParam("agg", "count").queryParam("from", day).queryParam("to", "2017-02-02")
                        .when().get("/v1/metrics/trips/series").then().statusCode(200)
                        .body("series[0].points[0].count", equalTo(MAX_RANKED_GROUPS * (MAX_RANKED_GROUPS + 1) / 2)));
        given().queryParam("agg", "count").queryParam("by", "region").queryParam("k", MAX_TOP_K)
                .queryParam("from", day).queryParam("to", "2017-02-02")
                .when().get("/v1/metrics/trips/top").then().statusCode(200)
                .body("top.value", contains(20.0f, 19.0f, 18.0f, 17.0f, 16.0f))
                .body("top[0].group.region", equalTo(run + "-r20"));

        // a 21st group in the range: one more than may be ranked
        AggregatesTopic.publish(List.of(trips(run + "-r21", "u4pru", day, 21)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                given().queryParam("agg", "count").queryParam("from", day).queryParam("to", "2017-02-02")
                        .when().get("/v1/metrics/trips/series").then().statusCode(200)
                        .body("series[0].points[0].count", equalTo(21 * 22 / 2)));
        io.restassured.response.Response refused = given().queryParam("agg", "count").queryParam("by", "region")
                .queryParam("from", day).queryParam("to", "2017-02-02").when().get("/v1/metrics/trips/top");
        problem(refused, 400, "too-many-ranked-groups", MAX_RANKED_GROUPS, "pulse.query.max-ranked-groups");
        // a where filter that leaves 20 of them is ranked again
        String twentyRegions = String.join("|", IntStream.rangeClosed(2, 21).mapToObj(i -> run + "-r" + i).toList());
        given().queryParam("agg", "count").queryParam("by", "region").queryParam("k", 3)
                .queryParam("where", "region:" + twentyRegions).queryParam("from", day).queryParam("to", "2017-02-02")
                .when().get("/v1/metrics/trips/top").then().statusCode(200)
                .body("top.value", contains(21.0f, 20.0f, 19.0f));
        // and so is a range where fewer are stored
        given().queryParam("agg", "count").queryParam("from", "2017-02-02").queryParam("to", "2017-02-03")
                .when().get("/v1/metrics/trips/top").then().statusCode(200).body("top", hasSize(0));
    }

    @Test
    void aMovingWindowIsAtMostTheCap() {
        String moving = "/v1/metrics/delivery_time/moving";
        given().queryParam("window", "1h").queryParam("from", "2017-03-01T00:00:00Z")
                .queryParam("to", "2017-03-01T01:00:00Z").when().get(moving).then().statusCode(200)
                .body("window", equalTo("1h"));
        for (String tooLong : List.of("61m", "2h", "1d", "1w", "1mo")) {
            io.restassured.response.Response answer = given().queryParam("window", tooLong)
                    .queryParam("from", "2017-03-01T00:00:00Z").queryParam("to", "2017-03-01T01:00:00Z")
                    .when().get(moving);
            problem(answer, 400, "window-too-long", "1h", "pulse.query.max-window");
            answer.then().body("parameter", equalTo("window"));
        }
    }

    @Test
    void pointsOverTheCapRemainAMistakeOfTheStepAndNameTheCap() {
        // 7 days of 1-minute points: 10,080, more than the 10,000 of pulse.query.max-points
        io.restassured.response.Response answer = given().queryParam("step", "1m").queryParam("from", "2017-03-01")
                .queryParam("to", "2017-03-08").when().get("/v1/metrics/delivery_time/series");
        problem(answer, 400, "invalid-parameter", 10_000, "pulse.query.max-points");
        answer.then().body("parameter", equalTo("step"));
    }

        /** The width and height in degrees of a geohash cell of 5 characters: 13 bits of longitude, 12 of latitude. */
    private static final double CELL_LON = 360.0 / (1 << 13);
    private static final double CELL_LAT = 180.0 / (1 << 12);

    /**
     * A box over {@code columns} x {@code rows} cells of precision 5: from the middle of the cell at column 4500, row
     * 3000 (counted from 180° W and 90° S) to the middle of the cell {@code columns - 1} and {@code rows - 1} further.
     */
    private static String box(int columns, int rows) {
        double west = -180 + (4500 + 0.5) * CELL_LON;
        double south = -90 + (3000 + 0.5) * CELL_LAT;
        return String.format(Locale.ROOT, "origin_cell:bbox(%.6f,%.6f,%.6f,%.6f)", west, south,
                west + (columns - 1) * CELL_LON, south + (rows - 1) * CELL_LAT);
    }

    @Test
    void aBoxCoversAtMostTheCapOfCells() {
        // 7 x 7 = 49 cells: within the cap of 50
        given().queryParam("where", box(7, 7)).queryParam("from", "2017-04-01").queryParam("to", "2017-04-02")
                .when().get("/v1/metrics/trips/series").then().statusCode(200).body("filter[0].cells", equalTo(49));
        // 8 x 7 = 56, and 51 x 1: over it, on every endpoint that filters
        for (String path : List.of("/v1/metrics/trips/series", "/v1/metrics/trips/top", "/v1/metrics/trips/export",
                "/v1/metrics/trips/live")) {
            for (String where : List.of(box(8, 7), box(51, 1))) {
                io.restassured.response.Response answer = given().queryParam("where", where)
                        .queryParam("from", "2017-04-01").queryParam("to", "2017-04-02").when().get(path);
                problem(answer, 400, "box-too-large", MAX_BOX_CELLS, "pulse.query.max-box-cells");
                answer.then().body("parameter", equalTo("where"))
                        .body("detail", org.hamcrest.Matchers.containsString(
                                "covers " + (where.equals(box(8, 7)) ? 56 : 51) + " cells of precision 5"));
            }
        }
    }

    @Test
    void aQuestionHoldsAtMostTheCapOfBoxes() {
        given().queryParam("where", box(2, 2), box(3, 3)).queryParam("from", "2017-04-01")
                .queryParam("to", "2017-04-02").when().get("/v1/metrics/trips/series").then().statusCode(200)
                .body("filter", hasSize(MAX_BOXES));
        for (String path : List.of("/v1/metrics/trips/series", "/v1/metrics/trips/top", "/v1/metrics/trips/export",
                "/v1/metrics/trips/live")) {
            io.restassured.response.Response answer = given().queryParam("where", box(1, 1), box(2, 2), box(3, 3))
                    .queryParam("from", "2017-04-01").queryParam("to", "2017-04-02").when().get(path);
            problem(answer, 400, "too-many-boxes", MAX_BOXES, "pulse.query.max-boxes");
        }
    }

    @Test
    void liveSubscribersAreAtMostTheCapAndAClosedStreamFreesItsSlot() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SUBSCRIBERS; i++) {
                open.add(awaitOpen(CALLERS.get(i)));
            }
            HttpResponse<String> refused = client.send(request(CALLERS.get(MAX_SUBSCRIBERS)), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            JsonNode problem = Json.read(refused.body(), JsonNode.class);
            assertThat(problem.path("type").asText()).isEqualTo(PROBLEMS + "too-many-subscribers");
            assertThat(problem.path("limit").asInt()).isEqualTo(MAX_SUBSCRIBERS);
            assertThat(problem.path("setting").asText()).isEqualTo("pulse.query.max-live-subscribers");
            assertThat(problem.path("retry_after_seconds").asInt()).isEqualTo(5);

            // the first stream's client leaves: its slot is free for the next subscriber, and only its
            open.remove(0).body().close();
            open.add(awaitOpen(CALLERS.get(MAX_SUBSCRIBERS)));
            HttpResponse<String> full = client.send(request(CALLERS.get(0)), HttpResponse.BodyHandlers.ofString());
            assertThat(full.statusCode()).isEqualTo(503);
            // an open stream still receives events: its heartbeats
            byte[] read = new byte[64];
            assertThat(open.get(open.size() - 1).body().read(read)).isPositive();
        } finally {
            for (HttpResponse<java.io.InputStream> r : open) {
                r.body().close();
            }
        }
    }

    private HttpRequest request(String key) throws Exception {
        return HttpRequest.newBuilder(URI.create(live + "?where=client_name:" + run))
                .header(TestKeys.AUTHORIZATION, TestKeys.bearer(key)).header("Accept", "text/event-stream").build();
    }

    /** A stream of the caller with key {@code key} on a connection of its own, open once its response headers arrived. */
    private HttpResponse<java.io.InputStream> subscribe(String key) throws Exception {
        return HttpClient.newHttpClient().send(request(key), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * A stream of {@code key}'s caller, once a slot is free: a stream a client left frees its slot as soon as the
     * service notices, which may be after the client's next request.
     */
    private HttpResponse<java.io.InputStream> awaitOpen(String key) {
        List<HttpResponse<java.io.InputStream>> opened = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<java.io.InputStream> next = subscribe(key);
            if (next.statusCode() == 200) {
                opened.add(next);
                return true;
            }
            next.body().close();
            return false;
        });
        return opened.get(0);
    }

    @Test
    void oneCallerHoldsAtMostItsShareOfTheLiveStreams() throws Exception {
        try (var first = awaitOpen("admin").body()) {
            HttpResponse<String> second = HttpClient.newHttpClient().send(request("admin"), HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = Json.read(second.body(), JsonNode.class);
            assertThat(problem.path("type").asText()).isEqualTo(PROBLEMS + "too-many-streams");
            assertThat(problem.path("limit").asInt()).isEqualTo(1);
            assertThat(problem.path("setting").asText()).isEqualTo("pulse.query.max-live-subscribers-per-caller");
            awaitOpen("every-metric").body().close(); // another caller's share is its own
        }
        awaitOpen("admin").body().close(); // the caller's stream closed: it may open one again
    }
}
