package io.pulse.ingest.deadletter;

import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemResponses;
import io.pulse.common.problem.Problems;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads dead letters for requests, a few at a time: each read has a consumer of its own, made for it and closed after
 * it. The consumer is assigned its partitions and never joins a group, so reading commits nothing and disturbs no
 * one; it reads committed records only, as every reader of Pulse's topics does.
 */
@ApplicationScoped
public class DeadLetterReader {

    private static final Logger LOG = Logger.getLogger(DeadLetterReader.class);
    /** A read takes seconds at most, and a broker back takes about as long to be reachable again. */
    private static final int RETRY_AFTER_SECONDS = 1;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    /** The {@code kafka.*} configuration, bootstrap servers included, as Quarkus' Kafka extension reads it. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    DeadLetterConfig config;

    private Semaphore reads;

    @PostConstruct
    void init() {
        reads = new Semaphore(config.maxConcurrentReads());
    }

    /** The newest dead letters of the type; 503 when the reads at once are full or Kafka does not answer. */
    public DeadLetterPage newest(String type, Instant since, int limit) {
        if (!reads.tryAcquire()) {
            throw Problems.overLimit(503, "too-many-dead-letter-reads", "Too many dead-letter reads",
                    config.maxConcurrentReads() + " requests are reading dead letters on this instance already; "
                            + "ask again after Retry-After", config.maxConcurrentReads(),
                    "pulse.ingest.dead-letters.max-concurrent-reads")
                    .with(ProblemResponses.RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS).exception();
        }
        Consumer<String, byte[]> consumer = null;
        try {
            consumer = consumer();
            return new BackwardScan(consumer, config).newest(type, since, limit);
        } catch (KafkaException e) {
            LOG.warnf("dead letters of %s not read: %s", type, e.toString());
            throw Problem.of(503, "kafka-unavailable", "Dead letters not read", "the dead letters could not be read "
                    + "from Kafka within " + config.timeout().toSeconds() + " s; ask again after Retry-After")
                    .with(ProblemResponses.RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS).exception();
        } finally {
            // a consumer that read nothing of a group has nothing to wait for at its close: Kafka's 30 s would only
            // hold the request and its slot when the broker stopped answering
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
            reads.release();
        }
    }

    private Consumer<String, byte[]> consumer() {
        Map<String, Object> settings = new HashMap<>(kafkaConfig);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.chunkRecords());
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "pulse-dead-letters");
        return new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
