package io.pulse.ingest.routing;

import io.pulse.common.kafka.NativeLz4;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes the producers of the pool: transactional (so a request's records become visible together or not at all),
 * hence idempotent and acknowledged by all in-sync replicas, so a commit means durable.
 */
@ApplicationScoped
public class KafkaProducerFactory {

    /** The {@code kafka.*} configuration, bootstrap servers included, as Quarkus' Kafka extension reads it. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    Producer<String, byte[]> transactional(String transactionalId) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Fail fast when a topic is missing or the broker is away, rather than holding the request for a minute.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        NativeLz4.load();
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }
}
