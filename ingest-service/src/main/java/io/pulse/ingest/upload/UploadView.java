package io.pulse.ingest.upload;

import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Every upload's latest status, as this replica has read it from {@code uploads.status}: the whole topic from its
 * beginning, then each record as it comes. Any replica answers for any upload from it, and finds an earlier upload
 * of the same file in it.
 */
@ApplicationScoped
public class UploadView {

    private static final Logger LOG = Logger.getLogger(UploadView.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);
    static final String STALLED = "the ingest replica reading this upload stopped publishing its progress (it is "
            + "gone or cut off from Kafka); rows counted as accepted are on Kafka, rows after them may be too";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    UploadConfig config;

    /** A status as read, with when its record was written: a processing one that ages past the limit is stalled. */
    private record Seen(UploadStatus status, Instant at) {
    }

    private final Map<String, Seen> byId = new ConcurrentHashMap<>();
    /** Type and digest to the ids of the uploads of those bytes, in the order they were first seen. */
    private final Map<String, List<String>> byContent = new ConcurrentHashMap<>();
    private final Queue<CompletableFuture<Void>> catchUps = new ConcurrentLinkedQueue<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread follower;

    /** Reads the topic to its end, then follows it in the background. */
    void open() {
        Map<String, Object> settings = new HashMap<>(kafkaConfig);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.UPLOADS_STATUS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("the topic " + Topics.UPLOADS_STATUS + " does not exist; create it "
                    + "(compacted) before the ingest service starts");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        CompletableFuture<Void> loaded = caughtUp();
        follower = new Thread(() -> follow(partitions), "pulse-upload-view");
        follower.setDaemon(true);
        follower.start();
        try {
            loaded.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + Topics.UPLOADS_STATUS + " to its end", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + Topics.UPLOADS_STATUS, e);
        }
    }

    void close() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
            try {
                follower.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The upload's status, after reading what was published up to now if this replica has not seen it yet. */
    public Optional<UploadStatus> status(String id) {
        Seen seen = byId.get(id);
        if (seen == null) {
            catchUp();
            seen = byId.get(id);
        }
        return Optional.ofNullable(seen).map(this::current);
    }

    /**
     * The first upload of these bytes as this type that is not failed, after reading what was published up to now:
     * done, or being read.
     */
    Optional<UploadStatus> earlier(String type, String sha256) {
        catchUp();
        return byContent.getOrDefault(type + "/" + sha256, List.of()).stream()
                .map(id -> current(byId.get(id)))
                .filter(s -> s.state() != UploadStatus.State.FAILED)
                .findFirst();
    }

    /** Takes a status this replica has just published, before its record comes back. */
    void put(UploadStatus status) {
        apply(status, Instant.now());
    }

    private UploadStatus current(Seen seen) {
        if (seen.status().state() == UploadStatus.State.PROCESSING
                && seen.at().plus(config.stalledAfter()).isBefore(Instant.now())) {
            return seen.status().failed(STALLED, seen.at());
        }
        return seen.status();
    }

    private void apply(UploadStatus status, Instant at) {
        byId.put(status.uploadId(), new Seen(status, at));
        if (status.sha256() != null) {
            List<String> ids = byContent.computeIfAbsent(status.type() + "/" + status.sha256(),
                    k -> new CopyOnWriteArrayList<>());
            if (!ids.contains(status.uploadId())) {
                ids.add(status.uploadId());
            }
        }
    }

    /**
     * Waits until this view holds every record published before the call.
     *
     * @throws ProblemException 503 when Kafka does not let it within a few seconds
     */
    private void catchUp() {
        try {
            caughtUp().get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw behind(e).exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw behind(e).exception();
        }
    }

    private static Problem behind(Exception cause) {
        return Problem.of(503, "kafka-unavailable", "Upload statuses unavailable", "this replica could not read "
                + Topics.UPLOADS_STATUS + " up to now (" + cause + "); ask again");
    }

    private CompletableFuture<Void> caughtUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        catchUps.add(done);
        return done;
    }

    private void follow(List<TopicPartition> partitions) {
        Map<CompletableFuture<Void>, Map<TopicPartition, Long>> waiting = new HashMap<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                CompletableFuture<Void> next;
                Map<TopicPartition, Long> ends = null;
                while ((next = catchUps.poll()) != null) {
                    if (ends == null) {
                        ends = consumer.endOffsets(partitions);
                    }
                    waiting.put(next, ends);
                }
                waiting.entrySet().removeIf(w -> {
                    boolean reached = w.getValue().entrySet().stream()
                            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (reached) {
                        w.getKey().complete(null);
                    }
                    return reached;
                });
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    read(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped following " + Topics.UPLOADS_STATUS, e);
            waiting.keySet().forEach(w -> w.completeExceptionally(e));
        } finally {
            consumer.close();
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            apply(Json.read(record.value(), UploadStatus.class), Instant.ofEpochMilli(record.timestamp()));
        } catch (RuntimeException e) {
            LOG.warnf(e, "skipping an unreadable status of upload %s at offset %d", record.key(), record.offset());
        }
    }
}
