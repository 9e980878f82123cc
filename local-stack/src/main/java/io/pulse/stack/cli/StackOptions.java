package io.pulse.stack.cli;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.StackConfig;
import io.pulse.stack.services.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Option;

/** The flags every command that starts or finds the stack shares. */
class StackOptions {

    static final String DEFAULT_KAFKA_PORT = "9092";

    @Option(names = "--pipeline", paramLabel = "FILE", description = "Pipeline file (default: the bundled pipeline/pulse.yaml).")
    Path pipeline;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".pulse", description = "Where all data lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the event and aggregate topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--kafka-port", defaultValue = DEFAULT_KAFKA_PORT, description = "Kafka port; the KRaft controller takes the next one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--postgres-port", defaultValue = "5433", description = "PostgreSQL port (default: ${DEFAULT-VALUE}).")
    int postgresPort;

    @Option(names = "--ingest-port", defaultValue = "8081", description = "ingest-service port (default: ${DEFAULT-VALUE}).")
    int ingestPort;

    @Option(names = "--aggregation-port", defaultValue = "8082", description = "aggregation-service port (default: ${DEFAULT-VALUE}).")
    int aggregationPort;

    @Option(names = "--query-port", defaultValue = "8083", description = "query-service port (default: ${DEFAULT-VALUE}).")
    int queryPort;

    @Option(names = "--ingest-management-port", defaultValue = "9081", description = "ingest-service management port: health, metrics (default: ${DEFAULT-VALUE}).")
    int ingestManagementPort;

    @Option(names = "--aggregation-management-port", defaultValue = "9082", description = "aggregation-service management port: health, metrics (default: ${DEFAULT-VALUE}).")
    int aggregationManagementPort;

    @Option(names = "--query-management-port", defaultValue = "9083", description = "query-service management port: health, metrics (default: ${DEFAULT-VALUE}).")
    int queryManagementPort;

    @Option(names = "--without", paramLabel = "SERVICE", split = ",",
            description = "Services not to start (ingest, aggregation, query), e.g. to run one in dev mode instead.")
    Set<String> without = Set.of();

    StackConfig config(Path home) {
        String pipelineLocation = PipelineLoader.BUNDLED;
        if (pipeline != null) {
            if (!Files.isRegularFile(pipeline)) {
                throw new IllegalArgumentException("--pipeline: no such file " + pipeline);
            }
            pipelineLocation = pipeline.toAbsolutePath().toString();
        }
        for (int port : new int[] {kafkaPort, postgresPort, ingestPort, aggregationPort, queryPort,
                ingestManagementPort, aggregationManagementPort, queryManagementPort}) {
            if (port < 1 || port > 65534) {
                throw new IllegalArgumentException("port " + port + " is out of range: use 1 to 65534");
            }
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1");
        }
        Set<Service> skipped = EnumSet.noneOf(Service.class);
        for (String label : without) {
            skipped.add(Arrays.stream(Service.values()).filter(s -> s.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--without: unknown service '" + label
                            + "'; use ingest, aggregation or query")));
        }
        return new StackConfig(home, home.resolve(dataDir).toAbsolutePath().normalize(), pipelineLocation, partitions,
                kafkaPort, postgresPort, ingestPort, aggregationPort, queryPort, ingestManagementPort,
                aggregationManagementPort, queryManagementPort, skipped);
    }
}
