package io.pulse.aggregation;

import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.ManagementChecks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics are served on the management interface, a port apart from the API's, and not on the API port.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(StateDirResource.class)
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
}
