package io.pulse.aggregation.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the topology runs: during a rebalance, and so while state is restored from changelogs, buckets
 * are not being kept and this instance should not count as available.
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {

    @Inject
    KafkaStreams streams;

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        return HealthCheckResponse.named("Pulse aggregation running").status(state == KafkaStreams.State.RUNNING)
                .withData("state", state.name()).build();
    }
}
