package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.AggregatesTopic;
import io.pulse.query.TwoFieldPipeline;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Live roll-ups over real HTTP, fed by bucket updates on the real aggregates topic stored in a real PostgreSQL. */
@QuarkusTest
@TestProfile(TwoFieldPipeline.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class LiveResourceTest {

    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T0 = Instant.parse("2026-01-01T10:05:00Z");

    @TestHTTPResource("/v1/metrics/" + TwoFieldPipeline.METRIC + "/live")
    URL live;

    @Inject
    Pipeline pipeline;

    private final String a = "a-" + UUID.randomUUID();
    private final String b = "b-" + UUID.randomUUID();
    private final String x = "x-" + UUID.randomUUID();
    private final String y = "y-" + UUID.randomUUID();
    private final String z = "z-" + UUID.randomUUID();

    private record Purchase(String user, double amount) {
    }

    private BucketUpdate update(String shop, String country, long late, boolean isFinal, Instant updatedAt,
                                Purchase... purchases) {
        Metric metric = pipeline.metric(TwoFieldPipeline.METRIC).orElseThrow();
        Bucket bucket = Bucket.empty(metric);
        for (Purchase p : purchases) {
            bucket = bucket.add(p.amount(), p.user());
        }
        // the last `late` purchases arrived after the bucket was final
        bucket = new Bucket(bucket.count(), bucket.sum(), bucket.min(), bucket.max(), bucket.distinct(),
                bucket.quantiles(), late, late > 0);
        return new BucketUpdate(metric.name(), new TreeMap<>(Map.of("shop", shop, "country", country)), START,
                START.plusSeconds(60), bucket, isFinal, updatedAt);
    }

    /** What a roll-up of these purchases must show, computed from the purchases themselves. */
    private static void assertRollUp(JsonNode event, Map<String, String> group, long late, boolean isFinal,
                                     Purchase... purchases) {
        double[] amounts = Arrays.stream(purchases).mapToDouble(Purchase::amount).sorted().toArray();
        assertThat(event.path("metric").asText()).isEqualTo(TwoFieldPipeline.METRIC);
        assertThat(event.path("group").properties()).hasSize(group.size());
        group.forEach((field, value) -> assertThat(event.path("group").path(field).asText()).isEqualTo(value));
        assertThat(event.path("start").asText()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(event.path("end").asText()).isEqualTo("2026-01-01T10:01:00Z");
        assertThat(event.path("count").asLong()).isEqualTo(amounts.length);
        JsonNode values = event.path("values");
        double sum = Arrays.stream(amounts).sum();
        assertThat(values.path("count").asDouble()).isEqualTo(amounts.length);
        assertThat(values.path("sum").asDouble()).isCloseTo(sum, within(1e-9));
        assertThat(values.path("avg").asDouble()).isCloseTo(sum / amounts.length, within(1e-9));
        assertThat(values.path("min").asDouble()).isEqualTo(amounts[0]);
        assertThat(values.path("max").asDouble()).isEqualTo(amounts[amounts.length - 1]);
        assertThat(values.path("distinct").asDouble())
                .isEqualTo(Arrays.stream(purchases).map(Purchase::user).distinct().count());
        // Few values: the sketches are exact, the quantile is the value at inclusive rank ⌈q·n⌉.
        assertThat(values.path("p50").asDouble()).isEqualTo(amounts[(int) Math.ceil(0.5 * amounts.length) - 1]);
        assertThat(values.path("p90").asDouble()).isEqualTo(amounts[(int) Math.ceil(0.9 * amounts.length) - 1]);
        assertThat(event.path("error").path("distinct").path("relative").asDouble()).isZero();
        assertThat(event.path("error").path("p50").path("rank").asDouble()).isZero();
        assertThat(event.path("error").has("sum")).isFalse();
        assertThat(event.path("late").asLong()).isEqualTo(late);
        assertThat(event.path("final").asBoolean()).isEqualTo(isFinal);
    }

    @Test
    void eachSubscriberGetsTheRollUpOfItsGroupByFieldsOverEveryStoredGroup() throws Exception {
        try (EventStream byShop = EventStream.open(live + "?group_by=shop&where=country:" + x + "%7C" + y);
             EventStream total = EventStream.open(live + "?where=shop:" + a);
             EventStream perGroup = EventStream.open(live + "?group_by=country,shop&where=shop:" + a + "%7C" + b)) {
            assertThat(List.of(byShop.status(), total.status(), perGroup.status())).containsOnly(200);
            Purchase[] ax = {new Purchase("u1", 10), new Purchase("u2", 30)};
            Purchase[] ay = {new Purchase("u1", 5)};

            AggregatesTopic.publish(List.of(update(a, x, 1, true, T0, ax)));
            byShop.awaitBucket(e -> e.path("group").path("shop").asText().equals(a) && e.path("count").asLong() == 2);
            // A second group of the same shop and minute: the roll-up merges it with the stored first one.
            AggregatesTopic.publish(List.of(update(a, y, 2, false, T0, ay)));
            Purchase[] axAy = concat(ax, ay);
            assertRollUp(byShop.awaitBucket(e -> e.path("group").path("shop").asText().equals(a)
                    && e.path("count").asLong() == 3), Map.of("shop", a), 3, false, axAy);
            assertRollUp(total.awaitBucket(e -> e.path("count").asLong() == 3), Map.of(), 3, false, axAy);
            assertRollUp(perGroup.awaitBucket(e -> e.path("group").path("country").asText().equals(x)),
                    Map.of("shop", a, "country", x), 1, true, ax);

            // A group outside byShop's where: once it is stored (total sees it), a change of a group inside must
            // roll up without it.
            Purchase[] az = {new Purchase("u3", 1000)};
            AggregatesTopic.publish(List.of(update(a, z, 0, false, T0, az)));
            assertRollUp(total.awaitBucket(e -> e.path("count").asLong() == 4), Map.of(), 3, false, concat(axAy, az));
            Purchase[] ax2 = concat(ax, new Purchase[] {new Purchase("u4", 50)});
            AggregatesTopic.publish(List.of(update(a, x, 1, true, T0.plusSeconds(1), ax2)));
            assertRollUp(byShop.awaitBucket(e -> e.path("group").path("shop").asText().equals(a)
                    && e.path("count").asLong() == 4), Map.of("shop", a), 3, false, concat(ax2, ay));
            assertThat(byShop.named("bucket")).noneMatch(e -> e.json().path("values").path("max").asDouble() == 1000);

            Purchase[] bx = {new Purchase("u5", 7)};
            AggregatesTopic.publish(List.of(update(b, x, 0, false, T0, bx)));
            assertRollUp(byShop.awaitBucket(e -> e.path("group").path("shop").asText().equals(b)),
                    Map.of("shop", b), 0, false, bx);
            assertRollUp(perGroup.awaitBucket(e -> e.path("group").path("shop").asText().equals(b)),
                    Map.of("shop", b, "country", x), 0, false, bx);
            assertThat(total.named("bucket")).noneMatch(e -> e.json().path("values").path("min").asDouble() == 7);
        }
    }

    private static Purchase[] concat(Purchase[] first, Purchase[] second) {
        List<Purchase> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(Arrays.asList(second));
        return all.toArray(Purchase[]::new);
    }

    @Test
    void idleStreamsGetHeartbeats() throws Exception {
        try (EventStream stream = EventStream.open(live + "?where=shop:" + a)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.named("heartbeat").size() >= 2);
            assertThat(Instant.parse(stream.named("heartbeat").get(0).data())).isBefore(Instant.now());
            assertThat(stream.named("bucket")).isEmpty();
        }
    }

    @Test
    void badLiveRequestsAreProblemsNamingTheParameter() {
        given().when().get("/v1/metrics/nope/live").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/unknown-metric"));
        given().queryParam("group_by", "shop,region").when().get(live.getPath()).then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo("group_by"));
        given().queryParam("where", "region:eu").when().get(live.getPath()).then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo("where"));
        given().queryParam("where", "shop").when().get(live.getPath()).then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo("where"));
    }
}
