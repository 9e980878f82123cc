package io.pulse.stack;

import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceLogs;
import io.pulse.stack.services.ServiceProcess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform on one machine without Docker: PostgreSQL, a Kafka broker, the topics of the pipeline, then
 * the three services as separate processes. Closing it stops them in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> SERVICE_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError");

    private final StackConfig config;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private KafkaBroker kafka;
    private PostgresServer postgres;
    private String apiKey;

    private LocalStack(StackConfig config) {
        this.config = config;
    }

    /**
     * Starts everything and returns once every service reports ready; on failure, stops what had started.
     *
     * @param out where the stack's progress and the services' output, prefixed with their names, go
     */
    public static LocalStack start(StackConfig config, PrintStream out) {
        return start(config, out, ServiceLogs.prefixed(out));
    }

    /**
     * @param out  where the stack's progress goes
     * @param logs where the services' output goes
     */
    public static LocalStack start(StackConfig config, PrintStream out, ServiceLogs logs) {
        LocalStack stack = new LocalStack(config);
        try {
            stack.startAll(out, logs);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(PrintStream out, ServiceLogs logs) {
        checkPorts();
        Pipeline pipeline = PipelineLoader.load(config.pipeline());
        apiKey = Credentials.ensureDevKey(config.dataDir());
        out.println("[stack] starting PostgreSQL on port " + config.postgresPort());
        postgres = PostgresServer.start(config.dataDir().resolve("postgres"), config.postgresPort());
        started.add(postgres);
        out.println("[stack] starting Kafka (KRaft) on port " + config.kafkaPort());
        kafka = KafkaBroker.start(config.dataDir().resolve("kafka"), config.kafkaPort(), config.controllerPort());
        started.add(kafka);
        TopicSetup.create(kafka.bootstrapServers(), pipeline, config.partitions());
        for (Service service : Service.values()) {
            if (config.without().contains(service)) {
                out.println("[stack] not starting " + service.module() + " (--without " + service.label() + ")");
                continue;
            }
            out.println("[stack] starting " + service.module() + " on port " + port(service) + " (management "
                    + managementPort(service) + ")");
            services.put(service, launch(service, port(service), managementPort(service), service.label(), Map.of(),
                    logs));
        }
        services.values().forEach(s -> s.awaitReady(READY_TIMEOUT));
    }

    private void checkPorts() {
        Map<String, Integer> flags = new LinkedHashMap<>();
        flags.put("--kafka-port", config.kafkaPort());
        flags.put("--kafka-port (its controller listens on the next port)", config.controllerPort());
        flags.put("--postgres-port", config.postgresPort());
        for (Service service : Service.values()) {
            if (!config.without().contains(service)) {
                flags.put("--" + service.label() + "-port", port(service));
                flags.put("--" + service.label() + "-management-port", managementPort(service));
            }
        }
        Map<Integer, String> byPort = new LinkedHashMap<>();
        flags.forEach((flag, port) -> {
            String other = byPort.putIfAbsent(port, flag);
            if (other != null) {
                throw new PortTakenException("port " + port + " is given twice, to " + other + " and to " + flag
                        + "; choose another with one of them");
            }
        });
        flags.forEach((flag, port) -> {
            if (!Ports.isFree(port)) {
                throw new PortTakenException("port " + port + " is taken; choose another with " + flag);
            }
        });
    }

    /** @param instance names the instance's own state directory, for services that keep state */
    private Map<String, String> properties(Service service, String instance) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.management.host", "127.0.0.1");
        p.put("quarkus.banner.enabled", "false");
        // No load balancer routes to these processes: a stop need not wait for one to notice readiness go down.
        p.put("quarkus.shutdown.delay", "0s");
        p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        p.put("pulse.pipeline.file", config.pipeline());
        switch (service) {
            case AGGREGATION -> p.put("kafka-streams.state.dir", config.dataDir().resolve(instance).toString());
            case QUERY -> {
                p.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
                p.put("quarkus.datasource.username", PostgresServer.USER);
                p.put("quarkus.datasource.password", PostgresServer.PASSWORD);
                p.put("pulse.query.console.ingest-url", url(Service.INGEST));
            }
            // each instance spools its own uploads: a starting one clears what an earlier process left in its directory
            case INGEST -> {
                p.put("pulse.ingest.uploads.directory", config.dataDir().resolve(instance).resolve("uploads").toString());
                // the console, served by the query service, calls ingest from the browser
                p.put("pulse.ingest.console.origins", "http://127.0.0.1:" + config.queryPort() + ",http://localhost:"
                        + config.queryPort());
            }
        }
        if (service != Service.AGGREGATION) {
            p.put("pulse.security.keys-file", config.dataDir().resolve(Credentials.KEYS_FILE).toString());
        }
        return p;
    }

    private Path jar(Service service) {
        return config.home().resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public int port(Service service) {
        return switch (service) {
            case INGEST -> config.ingestPort();
            case AGGREGATION -> config.aggregationPort();
            case QUERY -> config.queryPort();
        };
    }

    /** The development key, with every scope; also in the data directory's {@code api-key}. */
    public String apiKey() {
        return apiKey;
    }

    /** The API of a service. */
    public String url(Service service) {
        return "http://127.0.0.1:" + port(service);
    }

    /** The port of a service's management interface: {@code /q/health}, {@code /q/metrics}. */
    public int managementPort(Service service) {
        return switch (service) {
            case INGEST -> config.ingestManagementPort();
            case AGGREGATION -> config.aggregationManagementPort();
            case QUERY -> config.queryManagementPort();
        };
    }

    /** The management interface of a service, e.g. {@code managementUrl(QUERY) + "/q/health/ready"}. */
    public String managementUrl(Service service) {
        return "http://127.0.0.1:" + managementPort(service);
    }

    /** The running process of a started service. */
    public ServiceProcess process(Service service) {
        ServiceProcess process = services.get(service);
        if (process == null) {
            throw new IllegalStateException(service.module() + " was not started");
        }
        return process;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String postgresJdbcUrl() {
        return postgres.jdbcUrl();
    }

    /**
     * Stops PostgreSQL, keeping its data and everything else running, as a database outage would; {@link
     * #startPostgres()} brings it back on the same port.
     */
    public void stopPostgres() {
        started.remove(postgres);
        postgres.close();
    }

    /** Starts PostgreSQL again after {@link #stopPostgres()}, on its port and with its data. */
    public void startPostgres() {
        postgres = PostgresServer.start(config.dataDir().resolve("postgres"), config.postgresPort());
        started.add(0, postgres);
    }

    /** Stops and starts one service again, keeping everything else running; used to test crash recovery. */
    public ServiceProcess restart(Service service, boolean crash, PrintStream out) {
        ServiceProcess old = services.get(service);
        if (crash) {
            old.kill();
        } else {
            old.close();
        }
        started.remove(old);
        ServiceProcess process = launch(service, port(service), managementPort(service), service.label(), Map.of(),
                ServiceLogs.prefixed(out));
        services.put(service, process);
        process.awaitReady(READY_TIMEOUT);
        return process;
    }

    /**
     * Starts one more instance of a service on its own port and, for the aggregation and ingest, its own state or
     * upload directory; instances of the aggregation share the work by partitions, instances of ingest answer for
     * every upload. Its management interface takes a free port: {@link ServiceProcess#managementUrl()}. Stopped
     * with the stack.
     */
    public ServiceProcess startInstance(Service service, int port, String instance, PrintStream out) {
        return startInstance(service, port, instance, Map.of(), out);
    }

    /** {@link #startInstance(Service, int, String, PrintStream)} with configuration of its own, over the stack's. */
    public ServiceProcess startInstance(Service service, int port, String instance, Map<String, String> properties,
                                        PrintStream out) {
        ServiceProcess process = launch(service, port, Ports.free(1, port)[0], instance, properties,
                ServiceLogs.prefixed(out));
        process.awaitReady(READY_TIMEOUT);
        return process;
    }

    /** Starts a service's packaged application as a child process that {@link #close()} will stop. */
    private ServiceProcess launch(Service service, int port, int managementPort, String instance,
                                  Map<String, String> overrides, ServiceLogs logs) {
        Map<String, String> properties = properties(service, instance);
        properties.putAll(overrides);
        ServiceProcess process = ServiceProcess.start(service, jar(service), port, managementPort, properties,
                SERVICE_JVM, logs, instance);
        started.add(process);
        return process;
    }

    /** Stops the Kafka broker as an outage would, its data kept; {@link #startKafka()} brings it back on its port. */
    public void stopKafka() {
        kafka.close();
    }

    /** Starts the broker {@link #stopKafka()} stopped, on the same ports and data. */
    public void startKafka() {
        KafkaBroker restarted = KafkaBroker.start(config.dataDir().resolve("kafka"), config.kafkaPort(),
                config.controllerPort());
        started.set(started.indexOf(kafka), restarted);
        kafka = restarted;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("[stack] stopping " + started.get(i) + " failed: " + e.getMessage());
            }
        }
        started.clear();
    }

    /** A port the stack needs is in use; the message names the flag that moves it. */
    public static class PortTakenException extends IllegalStateException {
        public PortTakenException(String message) {
            super(message);
        }
    }
}
