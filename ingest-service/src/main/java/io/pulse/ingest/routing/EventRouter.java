package io.pulse.ingest.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pulse.common.Topics;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.ingest.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Sends accepted events to their type's topic and rejected items to the dead-letter topic inside Kafka
 * transactions, so that what a request wrote becomes visible to {@code read_committed} readers (the aggregation, the
 * query service) all at once when it is committed, or never. Counts each record once its transaction is committed:
 * an accepted event as {@code pulse.ingest.events{type, outcome=accepted}} (its item's one outcome; validation counts
 * {@code outcome=rejected}), a dead letter as {@code pulse.ingest.dead.letters{type}}, apart from the outcomes so
 * that a refused item is not counted twice; and the produce latency of both.
 */
@ApplicationScoped
public class EventRouter {

    @Inject
    ProducerPool pool;

    @Inject
    MeterRegistry registry;

    @Inject
    IngestConfig config;

    /**
     * The records of one request, in one transaction, begun now: waits up to the ack timeout for a free producer.
     * {@link Delivery#commit} makes them visible; closing the delivery without a commit aborts them.
     */
    public Delivery request(EventType type) throws DeliveryException, InterruptedException {
        Delivery delivery = new Delivery(type, Long.MAX_VALUE);
        delivery.begin();
        return delivery;
    }

    /**
     * The records of one upload, committed in transactions of {@code pulse.ingest.upload-transaction-records}
     * records each (an upload can outlast any one transaction's timeout) and at {@link Delivery#commit}.
     */
    public Delivery upload(EventType type) {
        return new Delivery(type, config.uploadTransactionRecords());
    }

    /** The records of one request or upload, all of one event type. */
    public final class Delivery implements AutoCloseable {

        private final CanonicalEventWriter writer = new CanonicalEventWriter();
        private final EventType type;
        private final String topic;
        private final long recordsPerTransaction;
        private final Counter accepted;
        private final Counter deadLettered;
        private final Timer latency;
        private ProducerPool.Slot slot;
        private Acknowledgements acks;
        private long events;
        private long deadLetters;
        private long records;

        private Delivery(EventType type, long recordsPerTransaction) {
            this.type = type;
            this.topic = Topics.events(type.name());
            this.recordsPerTransaction = recordsPerTransaction;
            this.accepted = registry.counter("pulse.ingest.events", "type", type.name(), "outcome", "accepted");
            this.deadLettered = Counter.builder("pulse.ingest.dead.letters")
                    .description("Rejected items stored on the dead-letter topic, once their transaction committed")
                    .tag("type", type.name()).register(registry);
            this.latency = Timer.builder("pulse.ingest.produce.latency")
                    .description("Time from handing a record to the producer to Kafka's acknowledgement")
                    .tag("type", type.name()).publishPercentileHistogram().register(registry);
        }

        /**
         * Keyed by the type's key field (validation ensures it is there), so one key's events stay in order on one
         * partition; by the event id for a type without one.
         */
        public void event(CanonicalEvent event) {
            String key = type.key().map(f -> event.attrs().path(f).asText()).orElse(event.id());
            send(new ProducerRecord<>(topic, key, writer.write(event)));
            events++;
            chunkFull();
        }

        /** Kept with at most {@code pulse.ingest.dead-letter-max-raw-bytes} of its text, so it always fits a record. */
        public void deadLetter(DeadLetter letter) {
            send(new ProducerRecord<>(Topics.DLQ, letter.type(), Json.write(letter.boundedTo(config.deadLetterMaxRawBytes()))));
            deadLetters++;
            chunkFull();
        }

        /** The reply to a request sent with an Idempotency-Key, committed with the request's records. */
        public void reply(String idempotencyKey, byte[] reply) {
            send(new ProducerRecord<>(Topics.INGEST_REQUESTS, idempotencyKey, reply));
        }

        /**
         * Puts the consumer's offsets past the records this transaction was made from into it (KIP-447): the records
         * and the offsets are committed together or not at all, so each consumed record yields its output once.
         * The group's metadata lets the coordinator refuse the commit of a consumer that lost its partitions.
         */
        public void consumed(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group)
                throws DeliveryException {
            try {
                producer().sendOffsetsToTransaction(offsets, group);
            } catch (KafkaException e) {
                abort();
                throw new DeliveryException("Kafka refused the consumed offsets: " + e.getMessage(), e);
            }
        }

        private void begin() throws DeliveryException, InterruptedException {
            slot = pool.borrow(config.ackTimeout());
            try {
                slot.producer().beginTransaction();
            } catch (KafkaException e) {
                release(false);
                throw new DeliveryException("cannot begin a Kafka transaction: " + e.getMessage(), e);
            }
            acks = new Acknowledgements();
        }

        /** The producer of this delivery's transaction, begun now if an upload's previous one was committed. */
        private Producer<String, byte[]> producer() {
            if (slot == null) {
                try {
                    begin();
                } catch (DeliveryException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a Kafka producer", e);
                }
            }
            return slot.producer();
        }

        private void send(ProducerRecord<String, byte[]> record) {
            Producer<String, byte[]> producer = producer();
            records++;
            acks.sent();
            long start = System.nanoTime();
            Acknowledgements current = acks;
            try {
                producer.send(record, (metadata, exception) -> {
                    if (exception == null) {
                        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                    current.completed(exception);
                });
            } catch (RuntimeException e) {
                // send() reports most failures to the callback; the few it throws must count as refusals too.
                current.completed(e);
            }
        }

        /** An upload's transaction holding its share of records is committed before the next record goes in. */
        private void chunkFull() {
            if (records >= recordsPerTransaction) {
                try {
                    commit(config.ackTimeout());
                } catch (DeliveryException e) {
                    throw new IllegalStateException("Kafka did not store every row: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while committing rows to Kafka", e);
                }
            }
        }

        /**
         * Waits for Kafka to acknowledge every record sent since the transaction began, then commits them: from
         * here on they are stored, visible to {@code read_committed} readers, and counted. Any failure aborts them
         * all, and nothing of the transaction is ever visible.
         */
        public void commit(Duration timeout) throws DeliveryException, InterruptedException {
            if (slot == null) {
                return;
            }
            try {
                acks.await(timeout);
            } catch (DeliveryException | InterruptedException e) {
                abort();
                throw e;
            }
            try {
                slot.producer().commitTransaction();
            } catch (TimeoutException e) {
                // Kafka may yet complete this commit: the producer is closed, and its id's next opening settles it.
                release(true);
                throw new DeliveryException("Kafka did not confirm the commit within its timeout", e);
            } catch (KafkaException e) {
                abort();
                throw new DeliveryException("Kafka refused the transaction: " + e.getMessage(), e);
            }
            release(false);
            accepted.increment(events);
            deadLettered.increment(deadLetters);
            events = 0;
            deadLetters = 0;
            records = 0;
        }

        private void abort() {
            boolean broken = false;
            try {
                slot.producer().abortTransaction();
            } catch (KafkaException e) {
                broken = true;
            }
            release(broken);
            events = 0;
            deadLetters = 0;
            records = 0;
        }

        private void release(boolean broken) {
            if (broken) {
                slot.discard();
            }
            pool.release(slot);
            slot = null;
        }

        /** Aborts what was not committed; a committed delivery has nothing left to close. */
        @Override
        public void close() {
            if (slot != null) {
                abort();
            }
        }
    }
}
