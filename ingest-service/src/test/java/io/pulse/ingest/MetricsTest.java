package io.pulse.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PrometheusSamples;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What ingest reports on /q/metrics of its management interface, checked as differences around requests whose
 * outcome is known.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class MetricsTest {

    private static final String GOOD = "{\"timestamp\": \"2018-12-26 18:11:08\", \"translation_id\": \"m\", "
            + "\"client_name\": \"metrics\", \"duration\": 20}";
    private static final String BAD = "{\"timestamp\": \"2018-12-26 18:11:08\", \"client_name\": \"metrics\"}";

    /** {@code /q/metrics} on the management interface (the path is relative to its {@code /q}). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /** The sum of the samples of a Prometheus metric whose labels include every given {@code name="value"}. */
    private double sample(String metric, String... labels) {
        return PrometheusSamples.sum(given().when().get(metrics).then().statusCode(200).extract().asString(), metric,
                labels);
    }

    private List<Double> samples(String... metricAndLabels) {
        return List.of(sample(metricAndLabels[0], Arrays.copyOfRange(metricAndLabels, 1, metricAndLabels.length)));
    }

    @Test
    void eventsAreCountedByTypeAndOutcomeWithLatencyAndBatchSize() {
        String type = "type=\"translation_delivered\"";
        double accepted = sample("pulse_ingest_events_total", type, "outcome=\"accepted\"");
        double rejected = sample("pulse_ingest_events_total", type, "outcome=\"rejected\"");
        double deadLetters = sample("pulse_ingest_dead_letters_total", type);
        double produced = sample("pulse_ingest_produce_latency_seconds_count", type);
        double batches = sample("pulse_ingest_batch_size_count", type, "endpoint=\"events\"");
        double items = sample("pulse_ingest_batch_size_sum", type, "endpoint=\"events\"");
        double requests = sample("http_server_requests_seconds_count", "uri=\"/v1/events/{type}\"");

        given().contentType("application/x-ndjson; charset=UTF-8")
                .body((GOOD + "\n" + BAD + "\n" + GOOD + "\n").getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered").then().statusCode(202);

        assertThat(sample("pulse_ingest_events_total", type, "outcome=\"accepted\"")).isEqualTo(accepted + 2);
        assertThat(sample("pulse_ingest_events_total", type, "outcome=\"rejected\"")).isEqualTo(rejected + 1);
        assertThat(sample("pulse_ingest_dead_letters_total", type)).isEqualTo(deadLetters + 1);
        assertThat(sample("pulse_ingest_produce_latency_seconds_count", type)).isEqualTo(produced + 3);
        assertThat(sample("pulse_ingest_batch_size_count", type, "endpoint=\"events\"")).isEqualTo(batches + 1);
        assertThat(sample("pulse_ingest_batch_size_sum", type, "endpoint=\"events\"")).isEqualTo(items + 3);
        assertThat(sample("http_server_requests_seconds_count", "uri=\"/v1/events/{type}\"")).isEqualTo(requests + 1);
    }

    @Test
    void eachItemReceivedHasOneOutcomeAndDeadLettersAreCountedApart() {
        String type = "type=\"translation_delivered\"";
        double all = sample("pulse_ingest_events_total", type);
        double accepted = sample("pulse_ingest_events_total", type, "outcome=\"accepted\"");
        double rejected = sample("pulse_ingest_events_total", type, "outcome=\"rejected\"");
        double deadLetters = sample("pulse_ingest_dead_letters_total", type);

        // 5 good items and 3 bad ones: two that fail the schema and a line that is not JSON.
        String body = String.join("\n", GOOD, BAD, GOOD, GOOD, "{not json", GOOD, BAD, GOOD) + "\n";
        given().contentType("application/x-ndjson; charset=UTF-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/translation_delivered").then().statusCode(202);

        assertThat(sample("pulse_ingest_events_total", type) - all).as("outcomes of 8 items").isEqualTo(8);
        assertThat(sample("pulse_ingest_events_total", type, "outcome=\"accepted\"") - accepted).isEqualTo(5);
        assertThat(sample("pulse_ingest_events_total", type, "outcome=\"rejected\"") - rejected).isEqualTo(3);
        assertThat(sample("pulse_ingest_dead_letters_total", type) - deadLetters).as("dead letters stored").isEqualTo(3);
    }

    @Test
    void uploadsReportTheirProgressAndOutcome() {
        String type = "type=\"translation_delivered\"";
        double done = sample("pulse_ingest_uploads_total", type, "state=\"done\"");
        double rows = sample("pulse_ingest_batch_size_sum", type, "endpoint=\"uploads\"");

        given().contentType("application/x-ndjson; charset=UTF-8").body((GOOD + "\n" + BAD + "\n").getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/uploads/translation_delivered").then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(samples("pulse_ingest_uploads_total", type, "state=\"done\"")).containsExactly(done + 1));
        assertThat(sample("pulse_ingest_batch_size_sum", type, "endpoint=\"uploads\"")).isEqualTo(rows + 2);
        assertThat(sample("pulse_ingest_uploads_in_flight")).isZero();
        // the whole file was read: two lines and their newlines
        assertThat(sample("pulse_ingest_uploads_bytes_read"))
                .isEqualTo((GOOD + "\n" + BAD + "\n").getBytes(StandardCharsets.UTF_8).length);
    }
}
