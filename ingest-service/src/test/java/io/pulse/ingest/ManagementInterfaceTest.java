package io.pulse.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics are served on the management interface, a port apart from the API's, and not on the API port,
 * which is access-controlled on its own; the OpenAPI document describes the API, so it stays on the API port.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class ManagementInterfaceTest {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started", "/q/metrics");

    @TestHTTPResource("/")
    URL api;
    /** Paths on the management interface are relative to its {@code /q}. */
    @TestHTTPResource(value = "health", management = true)
    URL health;
    @TestHTTPResource(value = "health/live", management = true)
    URL live;
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void theManagementInterfaceHasAPortOfItsOwn() {
        assertThat(metrics.getPort()).isPositive().isNotEqualTo(api.getPort());
        assertThat(metrics.getPath()).isEqualTo("/q/metrics");
    }

    @Test
    void healthAndMetricsAreOnTheManagementPort() {
        given().when().get(live).then().statusCode(200).body("status", equalTo("UP"));
        // all checks, up or (while a dependency settles) down: the report itself is served here
        given().when().get(health).then().statusCode(anyOf(equalTo(200), equalTo(503)))
                .body("checks", notNullValue());
        given().when().get(metrics).then().statusCode(200).body(containsString("# TYPE jvm_"));
    }

    @Test
    void theApiPortServesNeitherHealthNorMetricsButOpenApi() {
        for (String path : MANAGEMENT_PATHS) {
            given().when().get(path).then().statusCode(404);
        }
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("info.title", containsString("Pulse"));
    }
}
