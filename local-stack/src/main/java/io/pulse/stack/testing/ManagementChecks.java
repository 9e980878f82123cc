package io.pulse.stack.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URL;
import java.util.List;

/**
 * The services' check that health and metrics are served on the management interface, a port apart from the API's,
 * and not on the API port, which is access-controlled on its own.
 */
public final class ManagementChecks {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started", "/q/metrics");

    private ManagementChecks() {
    }

    /**
     * @param api     the API port's root
     * @param health  {@code /q/health} on the management port
     * @param live    {@code /q/health/live} there
     * @param metrics {@code /q/metrics} there
     */
    public static void servedApart(URL api, URL health, URL live, URL metrics) {
        if (metrics.getPort() <= 0 || metrics.getPort() == api.getPort() || !metrics.getPath().equals("/q/metrics")) {
            throw new AssertionError("metrics at " + metrics + ", not on a port of their own beside " + api);
        }
        given().when().get(live).then().statusCode(200).body("status", equalTo("UP"));
        // all checks, up or (while a dependency settles) down: the report itself is served here
        given().when().get(health).then().statusCode(anyOf(equalTo(200), equalTo(503))).body("checks", notNullValue());
        given().when().get(metrics).then().statusCode(200).body(containsString("# TYPE jvm_"));
        for (String path : MANAGEMENT_PATHS) {
            given().when().get(path).then().statusCode(404);
        }
    }
}
