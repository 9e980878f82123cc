package io.pulse.ingest.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pulse.common.Topics;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends accepted events to their type's topic and rejected items to the dead-letter topic, and counts each once
 * Kafka has acknowledged it: an accepted event as {@code pulse.ingest.events{type, outcome=accepted}} (its item's
 * one outcome; validation counts {@code outcome=rejected}), a dead letter as {@code pulse.ingest.dead.letters{type}},
 * apart from the outcomes so that a refused item is not counted twice; and the produce latency of both.
 */
@ApplicationScoped
public class EventRouter {

    @Inject
    Producer<String, byte[]> producer;

    @Inject
    MeterRegistry registry;

    /** Starts the records of one request or upload; {@link Delivery#await} returns once Kafka has them all. */
    public Delivery delivery(EventType type) {
        return new Delivery(type);
    }

    /** The records of one request or upload, all of one event type. */
    public final class Delivery {

        private final Acknowledgements acks = new Acknowledgements();
        private final CanonicalEventWriter writer = new CanonicalEventWriter();
        private final EventType type;
        private final String topic;
        private final Counter accepted;
        private final Counter deadLettered;
        private final Timer latency;

        private Delivery(EventType type) {
            this.type = type;
            this.topic = Topics.events(type.name());
            this.accepted = registry.counter("pulse.ingest.events", "type", type.name(), "outcome", "accepted");
            this.deadLettered = Counter.builder("pulse.ingest.dead.letters")
                    .description("Rejected items stored on the dead-letter topic, once Kafka acknowledged them")
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
            send(new ProducerRecord<>(topic, key, writer.write(event)), accepted);
        }

        public void deadLetter(DeadLetter letter) {
            send(new ProducerRecord<>(Topics.DLQ, letter.type(), Json.write(letter)), deadLettered);
        }

        private void send(ProducerRecord<String, byte[]> record, Counter outcome) {
            acks.sent();
            long start = System.nanoTime();
            try {
                producer.send(record, (metadata, exception) -> {
                    if (exception == null) {
                        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        outcome.increment();
                    }
                    acks.completed(exception);
                });
            } catch (RuntimeException e) {
                // send() reports most failures to the callback; the few it throws must count as refusals too.
                acks.completed(e);
            }
        }

        public void await(Duration timeout) throws DeliveryException, InterruptedException {
            acks.await(timeout);
        }
    }
}
