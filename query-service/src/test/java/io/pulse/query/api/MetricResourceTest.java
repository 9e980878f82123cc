package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Bucket updates published on the real aggregates topic, stored in a real PostgreSQL, asked for over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class MetricResourceTest {

    private static final String MOVING = "/v1/metrics/delivery_time/moving";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final String air = "airliberty-" + UUID.randomUUID();
    private final String taxi = "taxi-eats-" + UUID.randomUUID();
    /** The OpenAPI document, on the management interface (the path is relative to its {@code /q}). */

    private static BucketUpdate bucket(String client, String minute, Bucket b, Instant updatedAt) {
        Instant start = Instant.parse("2018-12-26T" + minute + ":00Z");
        return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start,
                start.plusSeconds(60), b, false, updatedAt);
    }

    private static void publish(List<BucketUpdate> updates) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (BucketUpdate u : updates) {
                producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
            }
        }
    }

    /** The README's worked example: 18:11:08 → 20 and 18:15:19 → 31 from one client, 18:23:19 → 54 from another. */
    private List<BucketUpdate> workedExample(Instant updatedAt) {
        return List.of(
                bucket(air, "18:11", Bucket.EMPTY.add(20), updatedAt),
                bucket(air, "18:15", Bucket.EMPTY.add(31), updatedAt),
                bucket(taxi, "18:23", Bucket.EMPTY.add(54), updatedAt));
    }

    private ValidatableResponse movingAverage() {
        return given().queryParam("window", "10m").queryParam("step", "1m").queryParam("agg", "avg")
                .queryParam("from", "2018-12-26T18:11:00Z").queryParam("to", "2018-12-26T18:25:00Z")
                .queryParam("where", "client_name:" + air + "|" + taxi)
                .when().get(MOVING).then().statusCode(200);
    }

    private static final Object[] EXPECTED = {null, 20.0f, 20.0f, 20.0f, 20.0f, 25.5f, 25.5f, 25.5f, 25.5f, 25.5f,
            25.5f, 31.0f, 31.0f, 42.5f};

    private void awaitWorkedExample() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                movingAverage().body("series[0].points.value", contains(EXPECTED)));
    }

    @Test
    void movingAverageOfTheWorkedExample() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        movingAverage()
                .body("metric", equalTo("delivery_time")).body("agg", equalTo("avg"))
                .body("step", equalTo("1m")).body("window", equalTo("10m"))
                .body("series", org.hamcrest.Matchers.hasSize(1))
                .body("series[0].points[0].ts", equalTo("2018-12-26T18:11:00Z"))
                .body("series[0].points[0]", hasKey("value"))
                .body("series[0].points[0].value", nullValue())
                .body("series[0].points[0]", not(hasKey("error")))
                .body("series[0].points[0].count", equalTo(0))
                .body("series[0].points[13].ts", equalTo("2018-12-26T18:24:00Z"))
                .body("series[0].points[13].count", equalTo(2));
    }

    @Test
    void replayedAndOlderUpdatesChangeNothingButNewerOnesDo() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        // The same updates again, and a stale value for 18:11 written before them.
        publish(workedExample(T0));
        publish(List.of(bucket(air, "18:11", Bucket.EMPTY.add(1000), T0.minusSeconds(1))));
        // A newer value for 18:23 (a second event of 56) marks when everything before it has been consumed.
        publish(List.of(bucket(taxi, "18:23", Bucket.EMPTY.add(54).add(56), T0.plusSeconds(1))));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                movingAverage().body("series[0].points[13].count", equalTo(3)));
        // 18:24 covers 31, 54 and 56; 18:12 still sees only the original 20.
        movingAverage().body("series[0].points[13].value", equalTo(47.0f))
                .body("series[0].points[1].value", equalTo(20.0f))
                .body("series[0].points[1].count", equalTo(1));
    }

    @Test
    void groupByKeepsClientsApartAndSeriesSumsPerStep() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        given().queryParam("step", "5m").queryParam("agg", "sum").queryParam("group_by", "client_name")
                .queryParam("from", "2018-12-26T18:10:00Z").queryParam("to", "2018-12-26T18:25:00Z")
                .queryParam("where", "client_name:" + air + "|" + taxi)
                .when().get("/v1/metrics/delivery_time/series").then().statusCode(200)
                .body("series.group.client_name", contains(air, taxi))
                .body("series[0].points.value", contains(20.0f, 31.0f, null))
                .body("series[1].points.value", contains(null, null, 54.0f))
                .body("series[1].points.ts", contains("2018-12-26T18:10:00Z", "2018-12-26T18:15:00Z", "2018-12-26T18:20:00Z"));
    }

    @Test
    void topRanksGroupsByTheirValueOverTheRange() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        // Sums over 18:00–19:00: airliberty 20 + 31 = 51, taxi-eats 54.
        given().queryParam("agg", "sum").queryParam("k", "2")
                .queryParam("from", "2018-12-26T18:00:00Z").queryParam("to", "2018-12-26T19:00:00Z")
                .queryParam("where", "client_name:" + air + "|" + taxi)
                .when().get("/v1/metrics/delivery_time/top").then().statusCode(200)
                .body("by", contains("client_name"))
                .body("top.group.client_name", contains(taxi, air))
                .body("top.value", contains(54.0f, 51.0f))
                .body("top.count", contains(1, 2));
        given().queryParam("agg", "max").queryParam("k", "1")
                .queryParam("from", "2018-12-26T18:00:00Z").queryParam("to", "2018-12-26T18:20:00Z")
                .queryParam("where", "client_name:" + air + "|" + taxi)
                .when().get("/v1/metrics/delivery_time/top").then().statusCode(200)
                .body("top.group.client_name", contains(air)).body("top.value", contains(31.0f));
    }

    @Test
    void seriesStreamAsCsvAndNdjsonRows() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        var request = given().queryParam("step", "5m").queryParam("agg", "sum").queryParam("group_by", "client_name")
                .queryParam("from", "2018-12-26T18:10:00Z").queryParam("to", "2018-12-26T18:20:00Z")
                .queryParam("where", "client_name:" + air);
        String csv = request.accept("text/csv").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(200).contentType("text/csv").extract().asString();
        org.assertj.core.api.Assertions.assertThat(csv).isEqualTo(
                "ts,client_name,value,count,late,revised\r\n"
                + "2018-12-26T18:10:00Z," + air + ",20,1,0,false\r\n"
                + "2018-12-26T18:15:00Z," + air + ",31,1,0,false\r\n");
        String ndjson = request.accept("application/x-ndjson").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(200).extract().asString();
        List<String> lines = ndjson.lines().toList();
        org.assertj.core.api.Assertions.assertThat(lines).hasSize(2);
        var first = Json.read(lines.get(0), com.fasterxml.jackson.databind.JsonNode.class);
        org.assertj.core.api.Assertions.assertThat(first.path("group").path("client_name").asText()).isEqualTo(air);
        org.assertj.core.api.Assertions.assertThat(first.path("value").asDouble()).isEqualTo(20.0);
        org.assertj.core.api.Assertions.assertThat(first.path("ts").asText()).isEqualTo("2018-12-26T18:10:00Z");
        org.assertj.core.api.Assertions.assertThat(first.path("late").asLong()).isZero();
        org.assertj.core.api.Assertions.assertThat(first.path("revised").isBoolean()).isTrue();
    }

    @Test
    void csvCellsCannotBecomeFormulas() {
        org.assertj.core.api.Assertions.assertThat(SeriesRowsWriter.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        org.assertj.core.api.Assertions.assertThat(SeriesRowsWriter.cell("a,b")).isEqualTo("\"a,b\"");
        org.assertj.core.api.Assertions.assertThat(SeriesRowsWriter.cell("-1")).isEqualTo("'-1");
        org.assertj.core.api.Assertions.assertThat(SeriesRowsWriter.cell("plain")).isEqualTo("plain");
    }

    @Test
    void openApiDocumentsEveryQueryWithExamples() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/metrics/{metric}/moving'.get.parameters.find { it.name == 'window' }.example", equalTo("10m"))
                .body("paths.'/v1/metrics/{metric}/series'.get.summary", equalTo("A time series"))
                .body("paths.'/v1/metrics/{metric}/top'.get.parameters.find { it.name == 'k' }.example", equalTo("10"))
                .body("paths", hasKey("/v1/metrics/{metric}/live"));
    }

    private ValidatableResponse series(Map<String, String> parameters) {
        return given().queryParams(parameters).queryParam("where", "client_name:" + air + "|" + taxi)
                .when().get("/v1/metrics/delivery_time/series").then();
    }

    /**
     * 18:11 and 18:15 UTC are 23:41 and 23:45 in Kolkata (+05:30): quarter hours of its clock start at :00, :15,
     * :30 and :45 local, that is at :30, :45, :00 and :15 UTC.
     */
    @Test
    void aQuestionInAZoneFollowsItsClockAndWritesItsOffset() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        series(Map.of("agg", "sum", "step", "15m", "tz", "Asia/Kolkata", "from", "2018-12-26T23:30:00",
                "to", "2018-12-27T00:00:00")).statusCode(200)
                .body("tz", equalTo("Asia/Kolkata"))
                .body("from", equalTo("2018-12-26T23:30:00+05:30"))
                .body("to", equalTo("2018-12-27T00:00:00+05:30"))
                .body("series[0].points.ts", contains("2018-12-26T23:30:00+05:30", "2018-12-26T23:45:00+05:30"))
                .body("series[0].points.value", contains(20.0f, 85.0f));
        // A day of Kolkata starts at 18:30 UTC: all three deliveries are on 26 December there, in one point.
        series(Map.of("agg", "count", "step", "1d", "tz", "Asia/Kolkata", "from", "2018-12-26", "to", "2018-12-27"))
                .statusCode(200).body("series[0].points.ts", contains("2018-12-26T00:00:00+05:30"))
                .body("series[0].points.value", contains(3.0f));
    }

    /** December 2018 as one point, read from the daily roll-ups: the three deliveries. */
    @Test
    void aMonthIsOnePointCoveringTheWholeMonth() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        series(Map.of("agg", "count", "step", "1mo", "from", "2018-11-15", "to", "2019-01-01")).statusCode(200)
                .body("step", equalTo("1mo"))
                .body("series[0].points.ts", contains("2018-11-01T00:00:00Z", "2018-12-01T00:00:00Z"))
                .body("series[0].points.value", contains(null, 3.0f));
        series(Map.of("agg", "count", "step", "1w", "week_start", "sunday", "from", "2018-12-26", "to", "2018-12-27"))
                .statusCode(200).body("series[0].points.ts", contains("2018-12-23T00:00:00Z"))
                .body("series[0].points.value", contains(3.0f));
    }

    /** 20, then 20 + 31, then 20 + 31 + 54: a running sum since from. */
    @Test
    void runningTotalsAddUpPointByPoint() throws Exception {
        publish(workedExample(T0));
        awaitWorkedExample();
        series(Map.of("agg", "cumulative_sum", "step", "5m", "from", "2018-12-26T18:10:00Z", "to", "2018-12-26T18:25:00Z"))
                .statusCode(200).body("agg", equalTo("sum")).body("cumulative", equalTo("all"))
                .body("series[0].points.value", contains(20.0f, 51.0f, 105.0f))
                .body("series[0].points.count", contains(1, 2, 3));
        // since the start of each quarter hour: 18:10 starts before 18:15, 18:15 and 18:20 share one
        series(Map.of("agg", "max", "step", "5m", "cumulative", "15m", "from", "2018-12-26T18:10:00Z",
                "to", "2018-12-26T18:25:00Z")).statusCode(200).body("cumulative", equalTo("15m"))
                .body("series[0].points.value", contains(20.0f, 31.0f, 54.0f));
    }

    @Test
    void relativeRangesEndNow() {
        Instant before = Instant.now();
        String from = given().queryParam("agg", "count").queryParam("from", "now-1h").queryParam("to", "now")
                .when().get("/v1/metrics/delivery_time/series").then().statusCode(200)
                .body("step", equalTo("1m")).extract().path("from");
        Instant after = Instant.now();
        // moved back to its minute
        org.assertj.core.api.Assertions.assertThat(Instant.parse(from))
                .isBetween(before.minus(Duration.ofMinutes(61)), after.minus(Duration.ofHours(1)));
        org.assertj.core.api.Assertions.assertThat(Instant.parse(from).getEpochSecond() % 60).isZero();
        given().queryParam("from", "now/d").queryParam("to", "now/d+1d").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("to"));
    }

    @Test
    void badCalendarParametersAreNamed() {
        given().queryParam("tz", "Mars/Olympus").when().get("/v1/metrics/delivery_time/series").then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo("tz"));
        given().queryParam("step", "1w").queryParam("week_start", "funday").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("week_start"));
        given().queryParam("step", "36h").queryParam("tz", "Europe/Lisbon").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("step"));
        given().queryParam("step", "0mo").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("step"));
        given().queryParam("from", "yesterday").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("from"));
        given().queryParam("cumulative", "fortnight").when().get("/v1/metrics/delivery_time/series")
                .then().statusCode(400).body("parameter", equalTo("cumulative"));
    }

    @Test
    void listsTheMetrics() {
        given().when().get("/v1/metrics").then().statusCode(200)
                .body("name", hasItem("delivery_time"))
                .body("find { it.name == 'delivery_time' }.granularity", equalTo("1m"))
                .body("find { it.name == 'delivery_time' }.group_by", contains("client_name"))
                .body("find { it.name == 'delivery_time' }.aggregations", hasItem("avg"));
    }

    private static void badRequest(String path, Map<String, String> params, String parameter) {
        given().queryParams(params).when().get(path).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/invalid-parameter"))
                .body("parameter", equalTo(parameter))
                .body("detail", containsString(parameter));
    }

    @Test
    void badParametersAreNamed() {
        String series = "/v1/metrics/delivery_time/series";
        badRequest(series, Map.of("agg", "median"), "agg");
        badRequest(series, Map.of("step", "90s"), "step");
        badRequest(series, Map.of("step", "soon"), "step");
        badRequest(series, Map.of("group_by", "region"), "group_by");
        badRequest(series, Map.of("where", "region:eu"), "where");
        badRequest(series, Map.of("where", "nocolon"), "where");
        badRequest(series, Map.of("from", "yesterday"), "from");
        badRequest(series, Map.of("from", "2018-12-26T19:00:00Z", "to", "2018-12-26T18:00:00Z"), "from");
        badRequest(series, Map.of("from", "2018-01-01", "to", "2019-01-01"), "step");
        badRequest(MOVING, Map.of("step", "1m"), "window");
        badRequest(MOVING, Map.of("window", "-5m"), "window");
        String top = "/v1/metrics/delivery_time/top";
        badRequest(top, Map.of("k", "0"), "k");
        badRequest(top, Map.of("k", "ten"), "k");
        badRequest(top, Map.of("by", "region"), "by");
        badRequest(top, Map.of("agg", "p75"), "agg");
    }

    @Test
    void anAnswerHoldsAtMost10000Points() {
        // 10,000 one-minute steps from midnight end at 22:40 on the seventh day.
        String series = "/v1/metrics/delivery_time/series";
        given().queryParams(Map.of("step", "1m", "from", "2018-01-01T00:00:00Z", "to", "2018-01-07T22:40:00Z"))
                .when().get(series).then().statusCode(200);
        badRequest(series, Map.of("step", "1m", "from", "2018-01-01T00:00:00Z", "to", "2018-01-07T22:41:00Z"), "step");
    }

    @Test
    void unknownMetricAndRouteAre404Problems() {
        given().when().get("/v1/metrics/nope/series").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/unknown-metric"))
                .body("known", hasItem("delivery_time"));
        given().when().get("/v1/nowhere").then().statusCode(404).contentType("application/problem+json");
    }
}
