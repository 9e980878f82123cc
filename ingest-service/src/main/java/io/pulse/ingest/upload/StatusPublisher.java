package io.pulse.ingest.upload;

import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Writes upload statuses to {@code uploads.status}, keyed by upload id. A producer of its own: statuses are not part
 * of any batch of events, and one stuck behind a large upload's rows would show no progress.
 */
@ApplicationScoped
public class StatusPublisher {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);
    private static final Duration STORED_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Producer<String, byte[]> producer;

    @PostConstruct
    void open() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes a change of state and waits until Kafka has stored it, so any replica can read it after.
     *
     * @throws ProblemException 503 when Kafka did not store it
     */
    void stored(UploadStatus status) {
        try {
            producer.send(record(status)).get(STORED_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw notStored(status, e).exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notStored(status, e).exception();
        }
    }

    private static Problem notStored(UploadStatus status, Exception cause) {
        return Problem.of(503, "kafka-unavailable", "Upload status not stored", "Kafka did not store the status of "
                + "upload " + status.uploadId() + " (" + cause + "); no replica could answer for it");
    }

    /** Publishes progress without waiting: the next one, or the final state, supersedes it. */
    void progress(UploadStatus status) {
        producer.send(record(status), (metadata, e) -> {
            if (e != null) {
                LOG.warnf("the progress of upload %s was not published: %s", status.uploadId(), e.getMessage());
            }
        });
    }

    private static ProducerRecord<String, byte[]> record(UploadStatus status) {
        return new ProducerRecord<>(Topics.UPLOADS_STATUS, status.uploadId(), Json.write(status));
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(10));
    }

}
