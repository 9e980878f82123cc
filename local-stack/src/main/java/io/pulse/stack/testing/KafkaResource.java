package io.pulse.stack.testing;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * A real Kafka broker for {@code @QuarkusTest}s, on free ports, with the bundled pipeline's topics. One broker
 * serves every test class of a test run, so Quarkus restarts between classes stay fast; it stops with the JVM.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    /** Partitions of the event and aggregate topics in tests: more than one, as in production. */
    public static final int PARTITIONS = 2;

    private static KafkaBroker broker;

    /** The shared broker, started on first use. */
    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            try {
                broker = KafkaBroker.start(Files.createTempDirectory("pulse-kafka-test"), Ports.free(), Ports.free());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), PARTITIONS);
            KafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", broker().bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped by the shutdown hook.
    }
}
