package io.pulse.stack;

import io.pulse.stack.services.Service;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where and how the local stack runs.
 *
 * @param home            the repository root, holding the services' build output
 * @param dataDir         the one folder for all data (Kafka logs, PostgreSQL, aggregation state)
 * @param pipeline        the pipeline file every service reads ({@code classpath:} for the bundled one)
 * @param partitions      partitions of the event and aggregate topics
 * @param kafkaPort       Kafka's client port
 * @param postgresPort    PostgreSQL's port
 * @param ingestPort      ingest-service's HTTP port
 * @param aggregationPort aggregation-service's HTTP port
 * @param queryPort       query-service's HTTP port
 * @param ingestManagementPort      ingest-service's management port: {@code /q/health}, {@code /q/metrics}
 * @param aggregationManagementPort aggregation-service's management port
 * @param queryManagementPort       query-service's management port
 * @param without         services not to start, e.g. one a developer runs in dev mode instead
 */
public record StackConfig(Path home, Path dataDir, String pipeline, int partitions, int kafkaPort, int postgresPort,
                          int ingestPort, int aggregationPort, int queryPort, int ingestManagementPort,
                          int aggregationManagementPort, int queryManagementPort, Set<Service> without) {

    /** The KRaft controller listens next to the broker's client port. */
    public int controllerPort() {
        return kafkaPort + 1;
    }
}
