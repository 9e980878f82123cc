package io.pulse.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.ManagementChecks;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics are served on the management interface, a port apart from the API's, and not on the API port;
 * the OpenAPI document describes the API, so it stays on the API port.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ManagementInterfaceTest {

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
    void healthAndMetricsAreOnTheManagementPortOnly() {
        ManagementChecks.servedApart(api, health, live, metrics);
    }

    @Test
    void theOpenApiDocumentStaysOnTheApiPort() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("info.title", containsString("Pulse"));
    }
}
