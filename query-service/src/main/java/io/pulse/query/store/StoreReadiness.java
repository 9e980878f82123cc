package io.pulse.query.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the consumers cannot store for want of PostgreSQL, saying since when and why, so traffic goes
 * elsewhere while this instance waits. The datasource's own check probes the database as well, idle or not.
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    @Inject
    StoreOutage outage;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("PostgreSQL store");
        return outage.current().map(since -> response.down()
                        .withData("reason", "PostgreSQL unavailable: " + since.reason())
                        .withData("since", since.start().toString())
                        .withData("consumers", "paused, storing the same batch again until it succeeds")
                        .build())
                .orElseGet(() -> response.up().build());
    }
}
