package io.pulse.ingest.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the requests committed with an Idempotency-Key before this instance started are known: until then a
 * resend of one of them could not be told from a new request.
 */
@Readiness
@ApplicationScoped
public class RequestLogReadiness implements HealthCheck {

    @Inject
    RequestLog log;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Pulse ingest idempotency keys loaded").status(log.isLoaded()).build();
    }
}
