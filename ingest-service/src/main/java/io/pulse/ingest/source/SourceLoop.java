package io.pulse.ingest.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pulse.common.pipeline.EventType;
import io.pulse.ingest.routing.DeliveryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Reads an event type's source topics on a thread of its own, as a member of the type's consumer group, and writes
 * each poll's records in one transaction ({@link SourceTransaction}). After any failure (Kafka refusing the commit,
 * a consumer fenced after a rebalance, a timeout) the transaction is aborted and the consumer replaced by a new one,
 * which resumes from the group's committed offsets: its positions had moved past records that were not committed.
 */
final class SourceLoop {

    private static final Logger LOG = Logger.getLogger(SourceLoop.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final EventType type;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final SourceTransaction transaction;
    private final Counter failures;
    private final MultiGauge lag;
    private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile Consumer<byte[], byte[]> consumer;

    SourceLoop(EventType type, Supplier<Consumer<byte[], byte[]>> consumers, SourceTransaction transaction,
               MeterRegistry registry) {
        this.type = type;
        this.consumers = consumers;
        this.transaction = transaction;
        this.failures = Counter.builder("pulse.ingest.source.failures")
                .description("Source transactions aborted, their records read again from the committed offsets")
                .tag("type", type.name()).register(registry);
        this.lag = MultiGauge.builder("pulse.ingest.source.lag")
                .description("Records of a source partition not yet read by this instance")
                .register(registry);
        this.thread = new Thread(this::run, "pulse-ingest-source-" + type.name());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Ends the loop after the transaction it is writing, if any, is committed or aborted; interrupts it if that takes
     * longer than {@code grace}.
     */
    void stop(Duration grace) throws InterruptedException {
        stopped.countDown();
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        thread.join(grace.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join();
        }
    }

    private boolean running() {
        return stopped.getCount() > 0;
    }

    private void run() {
        LOG.infof("reading events of type %s from %s as consumer group %s", type.name(), type.sourceTopics(),
                KafkaSources.groupId(type));
        Duration backoff = FIRST_BACKOFF;
        while (running()) {
            try (Consumer<byte[], byte[]> opened = consumers.get()) {
                consumer = opened;
                opened.subscribe(type.sourceTopics());
                // checked at each poll too: stop() may have looked for the consumer before it was set
                while (running()) {
                    ConsumerRecords<byte[], byte[]> records = opened.poll(POLL);
                    if (!records.isEmpty()) {
                        transaction.write(records, opened.groupMetadata());
                        backoff = FIRST_BACKOFF;
                    }
                    measureLag(opened);
                }
            } catch (WakeupException e) {
                // stop() woke the consumer: the loop ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (DeliveryException | RuntimeException e) {
                failures.increment();
                LOG.warnf("events of type %s from %s not stored, reading them again from the committed offsets in %d"
                        + " s: %s", type.name(), type.sourceTopics(), backoff.toSeconds(), e.getMessage());
                try {
                    stopped.await(backoff.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
            } finally {
                consumer = null;
                lags.clear();
                lag.register(List.of(), true);
            }
        }
    }

    /** The lag of each partition this consumer has now; the gauges of partitions it no longer has are removed. */
    private void measureLag(Consumer<byte[], byte[]> opened) {
        lags.keySet().retainAll(opened.assignment());
        for (TopicPartition partition : opened.assignment()) {
            opened.currentLag(partition).ifPresent(behind ->
                    lags.computeIfAbsent(partition, p -> new AtomicLong()).set(behind));
        }
        lag.register(lags.entrySet().stream().map(entry -> MultiGauge.Row.of(Tags.of("type", type.name(),
                "topic", entry.getKey().topic(), "partition", String.valueOf(entry.getKey().partition())),
                entry.getValue())).toList(), false);
    }
}
