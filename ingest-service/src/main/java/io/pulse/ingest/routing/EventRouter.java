package io.pulse.ingest.routing;

import io.pulse.common.Topics;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends accepted events to their type's topic and rejected items to the dead-letter topic. */
@ApplicationScoped
public class EventRouter {

    @Inject
    Producer<String, byte[]> producer;

    /** Starts the records of one request; {@link Delivery#await} returns once Kafka has them all. */
    public Delivery delivery() {
        return new Delivery();
    }

    /** The records of one request. */
    public final class Delivery {

        private final Acknowledgements acks = new Acknowledgements();

        private Delivery() {
        }

        /**
         * Keyed by the type's key field (validation ensures it is there), so one key's events stay in order on one
         * partition; by the event id for a type without one.
         */
        public void event(EventType type, CanonicalEvent event) {
            String key = type.key().map(f -> event.attrs().path(f).asText()).orElse(event.id());
            send(new ProducerRecord<>(Topics.events(type.name()), key, Json.write(event)));
        }

        public void deadLetter(DeadLetter letter) {
            send(new ProducerRecord<>(Topics.DLQ, letter.type(), Json.write(letter)));
        }

        private void send(ProducerRecord<String, byte[]> record) {
            acks.sent();
            try {
                producer.send(record, acks);
            } catch (RuntimeException e) {
                // send() reports most failures to the callback; the few it throws must count as refusals too.
                acks.onCompletion(null, e);
            }
        }

        public void await(Duration timeout) throws DeliveryException, InterruptedException {
            acks.await(timeout);
        }
    }
}
