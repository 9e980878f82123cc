package io.pulse.query.caps;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.query.AggregatesTopic;
import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The answering and the storing connections are two pools: questions that take every answering connection, here
 * slow statements on each of them, leave storing alone, and a question that finds none free is told to come back.
 * Over real HTTP, with buckets from the real aggregates topic stored in a real PostgreSQL.
 */
@QuarkusTest
@TestProfile(AnsweringPoolTest.TwoAnsweringConnections.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class AnsweringPoolTest {

    static final int ANSWERING_CONNECTIONS = 2;

    public static class TwoAnsweringConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.answers.jdbc.max-size", "" + ANSWERING_CONNECTIONS,
                    "quarkus.datasource.answers.jdbc.acquisition-timeout", "1s");
        }
    }

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    @DataSource("answers")
    AgroalDataSource answers;

    @Test
    void slowQueriesHoldingEveryAnsweringConnectionNeitherStopStoringNorFailQuestions() throws Exception {
        // every answering connection runs a slow statement until it is cancelled
        List<Statement> slow = new ArrayList<>();
        ExecutorService holders = Executors.newFixedThreadPool(ANSWERING_CONNECTIONS);
        CountDownLatch running = new CountDownLatch(ANSWERING_CONNECTIONS);
        for (int i = 0; i < ANSWERING_CONNECTIONS; i++) {
            holders.submit(() -> {
                try (Connection c = answers.getConnection(); Statement s = c.createStatement()) {
                    synchronized (slow) {
                        slow.add(s);
                    }
                    running.countDown();
                    s.execute("SELECT pg_sleep(120)");
                } catch (SQLException cancelled) {
                    // cancelled by the test
                }
                return null;
            });
        }
        String client = "busy-" + run;
        try {
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            // a question finds no answering connection: told to come back, not failed
            io.restassured.response.Response busy = given().queryParam("agg", "sum")
                    .queryParam("where", "client_name:" + client).queryParam("from", "2017-05-01T10:00:00Z")
                    .queryParam("to", "2017-05-01T10:03:00Z").when().get("/v1/metrics/delivery_time/series");
            busy.then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "1")
                    .body("type", equalTo("https://pulse.dev/problems/store-busy"))
                    .body("limit", equalTo(ANSWERING_CONNECTIONS))
                    .body("setting", equalTo("quarkus.datasource.answers.jdbc.max-size"));

            // meanwhile buckets produced to Kafka are stored, on the storing connections
            Instant minute = Instant.parse("2017-05-01T10:00:00Z");
            AggregatesTopic.publish(List.of(
                    delivery(client, minute, Bucket.EMPTY.add(20).add(22)),
                    delivery(client, minute.plusSeconds(60), Bucket.EMPTY.add(31)),
                    delivery(client, minute.plusSeconds(120), Bucket.EMPTY.add(54))));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> storedEvents(client) == 4);
            assertThat(slow).hasSize(ANSWERING_CONNECTIONS); // still held: the stores did not wait for them
        } finally {
            synchronized (slow) {
                for (Statement s : slow) {
                    s.cancel();
                }
            }
            holders.shutdown();
            assertThat(holders.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        // once the slow statements end, the question is answered from what was stored
        given().queryParam("agg", "sum").queryParam("where", "client_name:" + client)
                .queryParam("from", "2017-05-01T10:00:00Z").queryParam("to", "2017-05-01T10:03:00Z")
                .when().get("/v1/metrics/delivery_time/series").then().statusCode(200)
                .body("series[0].points.value", contains(42.0f, 31.0f, 54.0f));
    }

    private static BucketUpdate delivery(String client, Instant start, Bucket b) {
        return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start,
                start.plusSeconds(60), b, false, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** The events stored for a client, read on a connection of the test's own, outside both pools. */
    private static long storedEvents(String client) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresResource.server().jdbcUrl(), PostgresServer.USER,
                PostgresServer.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(event_count), 0) FROM bucket "
                     + "WHERE metric = 'delivery_time' AND group_key = ?")) {
            s.setString(1, Json.writeString(new TreeMap<>(Map.of("client_name", client))));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
