package io.pulse.query.caps;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statement timeout of the answering connections, against a real slow query: a metric of its own holding
 * {@value #GROUPS} x {@value #MINUTES} minute buckets, a 300 ms timeout, and a question that reads every one of them.
 * The buckets are written straight into the store's table (the consumers would take minutes for that many): what is
 * tested is how long PostgreSQL takes to read them, not how they got there.
 */
@QuarkusTest
@TestProfile(QueryTimeoutTest.TinyTimeout.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class QueryTimeoutTest {

    static final int GROUPS = 1_000;
    static final int MINUTES = 1_000;
    private static final String SERIES = "/v1/metrics/load/series";

    public static class TinyTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pulse.pipeline.file", "classpath:caps-pipeline.yaml",
                    "pulse.query.statement-timeout", "300ms");
        }
    }

    @BeforeAll
    static void storeAMillionBuckets() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresResource.server().jdbcUrl(), PostgresServer.USER,
                PostgresServer.PASSWORD); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM bucket WHERE metric = 'load'")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            // shop g holds, each minute m from 2000-01-01, one event of amount m
            s.execute("""
                    INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, event_count, value_sum, value_min,
                                        value_max, is_final, updated_at)
                    SELECT 'load', '{"shop":"s' || g || '"}', timestamptz '2000-01-01' + m * interval '1 minute',
                           timestamptz '2000-01-01' + (m + 1) * interval '1 minute', 1, m, m, m, true, now()
                    FROM generate_series(0, %d) g, generate_series(0, %d) m""".formatted(GROUPS - 1, MINUTES - 1));
            s.execute("ANALYZE bucket");
        }
    }

    @Test
    void aQuestionReadingAMillionBucketsIsCancelledAtTheTimeoutAndAnswered503() {
        given().queryParam("agg", "p50").queryParam("step", "1d").queryParam("from", "2000-01-01")
                .queryParam("to", "2000-01-02")
                .when().get(SERIES).then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("https://pulse.dev/problems/query-timeout"))
                .body("title", equalTo("Query timeout"))
                .body("limit", equalTo("300ms"))
                .body("setting", equalTo("pulse.query.statement-timeout"));
    }

    @Test
    void aTopOverEveryGroupIsCancelledToo() {
        given().queryParam("agg", "p50").queryParam("k", "3").queryParam("from", "2000-01-01")
                .queryParam("to", "2000-01-02")
                .when().get("/v1/metrics/load/top").then().statusCode(503)
                .body("type", equalTo("https://pulse.dev/problems/query-timeout"));
    }

    @Test
    void aQuestionAboutOneGroupIsAnsweredWithinTheTimeout() {
        // shop s7's minute m holds one event of amount m; minutes are read from the buckets themselves
        given().queryParam("agg", "sum").queryParam("step", "1m").queryParam("from", "2000-01-01T00:00:00Z")
                .queryParam("to", "2000-01-01T16:40:00Z").queryParam("where", "shop:s7")
                .when().get(SERIES).then().statusCode(200)
                .body("series[0].points.size()", equalTo(MINUTES))
                .body("series[0].points[0].value", equalTo(0.0f))
                .body("series[0].points[999].ts", equalTo("2000-01-01T16:39:00Z"))
                .body("series[0].points[999].value", equalTo(999.0f))
                .body("series[0].points[999].count", equalTo(1));
    }
}
