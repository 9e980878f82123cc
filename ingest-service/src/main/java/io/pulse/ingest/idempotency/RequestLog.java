package io.pulse.ingest.idempotency;

import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.ingest.IngestConfig;
import io.pulse.ingest.routing.ProducerPool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * This instance's view of the requests committed with an Idempotency-Key, by every replica, within the horizon: read
 * from {@code ingest.requests} ({@code read_committed}, from its beginning, by every replica without a consumer
 * group), plus this instance's own commits as soon as they are made. Also the keys being handled on this instance
 * right now.
 *
 * <p>At start the transactional producers are opened first, which settles what a crashed predecessor left: its open
 * transactions are aborted and a commit it had begun is completed. Only then is the topic read up to its end, and
 * only then are requests with a key served ({@link #awaitLoaded}) and the instance ready, so a resend of a request
 * committed before a crash is answered from the view.
 */
@ApplicationScoped
public class RequestLog {

    private static final Logger LOG = Logger.getLogger(RequestLog.class);
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    @Inject
    IngestConfig config;

    @Inject
    ProducerPool pool;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final Map<String, StoredReply> committed = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Consumer<String, String> consumer;
    private Thread reader;

    void start(@Observes StartupEvent started) {
        reader = new Thread(this::run, "pulse-ingest-requests-reader");
        reader.setDaemon(true);
        reader.start();
    }

    void stop(@Observes ShutdownEvent stopping) {
        Consumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            reader.interrupt();
        }
    }

    /** Whether the committed requests up to the start of this instance have been read. */
    public boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    /** Waits until {@link #isLoaded}; false if it took longer than {@code timeout}. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The reply committed under this key, unless there is none or it is older than the horizon. */
    public Optional<StoredReply> committed(String key) {
        StoredReply reply = committed.get(key);
        return reply == null || expired(reply, Instant.now()) ? Optional.empty() : Optional.of(reply);
    }

    /** Marks the key as being handled here; false if it already is. */
    public boolean begin(String key) {
        return inFlight.add(key);
    }

    public void end(String key) {
        inFlight.remove(key);
    }

    /** A reply this instance has just committed: known here at once, before the topic brings it back. */
    public void record(String key, StoredReply reply) {
        committed.put(key, reply);
    }

    private boolean expired(StoredReply reply, Instant now) {
        return reply.committedAt().plus(config.idempotencyHorizon()).isBefore(now);
    }

    private void run() {
        try {
            pool.openAll();
            try (Consumer<String, String> opened = open()) {
                consumer = opened;
                List<TopicPartition> partitions = opened.partitionsFor(Topics.INGEST_REQUESTS, Duration.ofMinutes(1))
                        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("the topic " + Topics.INGEST_REQUESTS + " does not exist");
                }
                opened.assign(partitions);
                opened.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = new HashMap<>(opened.endOffsets(partitions));
                Instant nextPurge = Instant.now().plus(PURGE_INTERVAL);
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, String> record : opened.poll(Duration.ofMillis(500))) {
                        read(record);
                    }
                    if (!isLoaded() && partitions.stream().allMatch(p -> opened.position(p) >= end.get(p))) {
                        LOG.infof("read %d committed requests with an Idempotency-Key", committed.size());
                        loaded.countDown();
                    }
                    if (Instant.now().isAfter(nextPurge)) {
                        Instant now = Instant.now();
                        committed.values().removeIf(reply -> expired(reply, now));
                        nextPurge = now.plus(PURGE_INTERVAL);
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot read %s: requests with an Idempotency-Key are refused", Topics.INGEST_REQUESTS);
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            committed.remove(record.key());
            return;
        }
        StoredReply reply;
        try {
            reply = Json.read(record.value(), StoredReply.class);
        } catch (RuntimeException e) {
            LOG.warnf("skipping an unreadable record of %s at offset %d: %s", Topics.INGEST_REQUESTS, record.offset(),
                    e.getMessage());
            return;
        }
        if (!expired(reply, Instant.now())) {
            committed.put(record.key(), reply);
        }
    }

    private Consumer<String, String> open() {
        Map<String, Object> settings = new HashMap<>(kafkaConfig);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
    }
}
