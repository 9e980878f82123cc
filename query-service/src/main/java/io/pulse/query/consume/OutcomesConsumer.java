package io.pulse.query.consume;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.query.store.EventOutcomes;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Counts what the dead-letter and duplicates topics hold, per event type, so a metric can say how many of its type's
 * events never reached a bucket. Both hold JSON with the event's {@code type}. While PostgreSQL is unavailable the
 * batch waits and is tried again ({@link StoreRetry}).
 */
@ApplicationScoped
public class OutcomesConsumer {

    @Inject
    EventOutcomes outcomes;

    @Inject
    StoreRetry retry;

    @Incoming("outcomes")
    @Blocking
    public void count(ConsumerRecords<String, String> records) {
        List<EventOutcomes.Counted> counted = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> r : records) {
            EventOutcomes.Outcome outcome = r.topic().equals(Topics.DUPLICATES) ? EventOutcomes.Outcome.DUPLICATE
                    : EventOutcomes.Outcome.DEAD_LETTER;
            counted.add(new EventOutcomes.Counted(r.topic(), r.partition(), r.offset(), typeOf(r.value()), outcome));
        }
        retry.untilStored(counted.size() + " outcome records", () -> {
            try {
                outcomes.count(counted);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot count the outcome records", e);
            }
        });
    }

    private static String typeOf(String value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode type = Json.read(value, JsonNode.class).path("type");
            return type.isTextual() ? type.asText() : null;
        } catch (RuntimeException e) {
            return null; // not JSON: nothing to attribute it to
        }
    }
}
