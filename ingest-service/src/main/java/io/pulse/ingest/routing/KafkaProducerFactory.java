package io.pulse.ingest.routing;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.jpountz.lz4.LZ4Factory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The one producer of the service: idempotent and acknowledged by all replicas, so a 202 means durable. */
@ApplicationScoped
public class KafkaProducerFactory {

    private static final Logger LOG = Logger.getLogger(KafkaProducerFactory.class.getName());

    /** The {@code kafka.*} configuration, bootstrap servers included, as Quarkus' Kafka extension reads it. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Produces
    @ApplicationScoped
    Producer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Fail fast when a topic is missing or the broker is away, rather than holding the request for a minute.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        loadNativeLz4();
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Kafka compresses with lz4-java's fastest compressor, but lz4-java tries its JNI one by itself only when the
     * system class loader loaded it; Quarkus' class loader loads the application, so the producer compressed with the
     * pure-Java one, about five times slower: 14% of the service's CPU samples in the ingest benchmark, whose plain
     * producer got the JNI one. Once the native library is loaded, Kafka's choice is the JNI compressor. Where it cannot load
     * (a platform without it, a native image), the pure-Java one stays: slower, and the records read the same.
     */
    static void loadNativeLz4() {
        try {
            LZ4Factory.nativeInstance();
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.INFO, "lz4 compresses in pure Java: its native library did not load", e);
        }
    }

    void close(@Disposes Producer<String, byte[]> producer) {
        producer.close();
    }
}
