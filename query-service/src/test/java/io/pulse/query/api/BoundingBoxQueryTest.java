package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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

/**
 * {@code where=origin_cell:bbox(…)} over the bundled trips metric, on buckets published to the real aggregates
 * topic. Cells from Wikipedia's geohash article: ezs42 spans 5.625..5.581 W, 42.583..42.627 N; u4pru is in Denmark.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class BoundingBoxQueryTest {

    private static final String SERIES = "/v1/metrics/trips/series";
    private static final String INSIDE_EZS42 = "origin_cell:bbox(-5.62,42.59,-5.59,42.62)";
    private final String region = "Asturias-" + UUID.randomUUID();

    private BucketUpdate trips(String cell, String day, long count) {
        Instant start = Instant.parse(day + "T00:00:00Z");
        Bucket b = Bucket.EMPTY;
        for (int i = 0; i < count; i++) {
            b = b.addCount();
        }
        return new BucketUpdate("trips", new TreeMap<>(Map.of("region", region, "origin_cell", cell)), start,
                start.plus(Duration.ofDays(1)), b, false, Instant.parse("2026-01-01T00:00:00Z"));
    }

    private void publish(List<BucketUpdate> updates) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (BucketUpdate u : updates) {
                producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
            }
        }
    }

    @Test
    void aBoxKeepsTheCellsItIntersectsAndSaysHowExactItIs() throws Exception {
        // 3 + 2 trips in ezs42 over two days, 7 in u4pru: the box inside ezs42 counts 5.
        publish(List.of(trips("ezs42", "2018-05-28", 3), trips("ezs42", "2018-05-29", 2), trips("u4pru", "2018-05-28", 7)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                given().queryParam("agg", "count").queryParam("where", "region:" + region)
                        .queryParam("from", "2018-05-24").queryParam("to", "2018-05-31").queryParam("step", "7d")
                        .when().get(SERIES).then().statusCode(200)
                        .body("series[0].points[0].value", equalTo(12.0f)));
        given().queryParam("agg", "count").queryParam("where", "region:" + region).queryParam("where", INSIDE_EZS42)
                .queryParam("from", "2018-05-24").queryParam("to", "2018-05-31").queryParam("step", "7d")
                .queryParam("group_by", "region")
                .when().get(SERIES).then().statusCode(200)
                .body("series.group.region", contains(region))
                .body("series[0].points.value", contains(5.0f))
                .body("filter[0].field", equalTo("origin_cell"))
                .body("filter[0].bbox", contains(-5.62f, 42.59f, -5.59f, 42.62f))
                .body("filter[0].precision", equalTo(5))
                .body("filter[0].cells", equalTo(1))
                .body("filter[0].note", startsWith("exact at cell resolution"));
        given().queryParam("window", "2d").queryParam("agg", "count").queryParam("where", INSIDE_EZS42)
                .queryParam("where", "region:" + region)
                .queryParam("from", "2018-05-29").queryParam("to", "2018-05-31")
                .when().get("/v1/metrics/trips/moving").then().statusCode(200)
                .body("series[0].points.value", contains(3.0f, 5.0f))
                .body("filter[0].cells", equalTo(1));
        given().queryParam("agg", "count").queryParam("where", "region:" + region)
                .queryParam("where", "origin_cell:bbox(5,40,11,58)").queryParam("from", "2018-05-24").queryParam("to", "2018-05-31")
                .when().get("/v1/metrics/trips/top").then().statusCode(200)
                .body("top.group.origin_cell", contains("u4pru"))
                .body("top[0].value", equalTo(7.0f))
                .body("filter[0].bbox", contains(5.0f, 40.0f, 11.0f, 58.0f));
        // Without a box the answers are as before: no filter member.
        given().queryParam("agg", "count").queryParam("where", "region:" + region).queryParam("from", "2018-05-24")
                .queryParam("to", "2018-05-31").when().get("/v1/metrics/trips/top").then().statusCode(200)
                .body("$", not(hasKey("filter")));
    }

    @Test
    void badBoxesAre400ProblemsNamingWhere() {
        for (String where : List.of("origin_cell:bbox(1,2,3)", "origin_cell:bbox(3,2,1,4)", "origin_cell:bbox(1,2,3,95)",
                "region:bbox(1,2,3,4)", "origin_cell:bbox(a,b,c,d)")) {
            given().queryParam("where", where).when().get(SERIES).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://pulse.dev/problems/invalid-parameter"))
                    .body("parameter", equalTo("where"))
                    .body("detail", containsString("where"));
            given().queryParam("where", where).when().get("/v1/metrics/trips/live").then().statusCode(400)
                    .body("parameter", equalTo("where"));
        }
    }
}
