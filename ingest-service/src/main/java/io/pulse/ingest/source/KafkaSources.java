package io.pulse.ingest.source;

import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.ingest.IngestConfig;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the event types that the pipeline gives Kafka sources: one loop per type, from start-up to shutdown. Each
 * type's replicas form one consumer group, {@code pulse-ingest-source-<type>}, so the instances of ingest share its
 * topics' partitions, and a new group starts at the topics' beginning.
 */
@ApplicationScoped
public class KafkaSources {

    @Inject
    Pipeline pipeline;

    @Inject
    EventValidator validator;

    @Inject
    EventRouter router;

    @Inject
    MeterRegistry registry;

    @Inject
    IngestConfig config;

    /** The {@code kafka.*} configuration the producers use too, bootstrap servers included. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final List<SourceLoop> running = new ArrayList<>();

    void start(@Observes StartupEvent started) {
        for (EventType type : pipeline.eventTypes().values()) {
            if (!type.sourceTopics().isEmpty()) {
                SourceLoop loop = loop(type);
                loop.start();
                running.add(loop);
            }
        }
    }

    /** Lets each loop finish the transaction it is writing, within the time a commit may take. */
    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        for (SourceLoop loop : running) {
            loop.stop(config.ackTimeout());
        }
        running.clear();
    }

    static String groupId(EventType type) {
        return "pulse-ingest-source-" + type.name();
    }

    /** A new, not yet started, reader of the type's sources in the type's group. */
    SourceLoop loop(EventType type) {
        SourceTransaction transaction = new SourceTransaction(type, pipeline.metricsOf(type.name()), validator, router,
                registry, config);
        return new SourceLoop(type, () -> consumer(type), transaction, registry);
    }

    /**
     * Offsets are committed only inside the transactions that write what the records became, and only committed
     * records of a transactional source are read.
     */
    private Consumer<byte[], byte[]> consumer(EventType type) {
        Map<String, Object> settings = new HashMap<>(kafkaConfig);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(type));
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.sourcePollRecords());
        // Each poll is one transaction, whose commit costs the same for 10 records as for 2,000: with Kafka's 1 MiB a
        // partition, a poll of 2 KB events held a few hundred and ingest spent its time committing.
        settings.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
