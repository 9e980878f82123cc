package io.pulse.aggregation.topology;

import io.pulse.common.event.CanonicalEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows follow the event's own time, not the record's: ingest stamps records with the time they arrived, so
 * topic retention counts from arrival and a replay of old data is not deleted on sight. An event time too far in
 * the future would close every open bucket of its partition at once; such an event, like a record that is not an
 * event, keeps its partition's current time here, and the topology refuses it.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private final Clock clock;
    private final Duration maxFutureSkew;

    public EventTimeExtractor(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof Incoming.Event incoming && !isFuture(incoming.event())) {
            return incoming.event().ts();
        }
        if (record.value() instanceof Incoming) {
            return Math.max(partitionTime, 0); // a record refused by the topology moves no time
        }
        return record.timestamp();
    }

    public Duration maxFutureSkew() {
        return maxFutureSkew;
    }

    public boolean isFuture(CanonicalEvent event) {
        return event.ts() > clock.millis() + maxFutureSkew.toMillis();
    }
}
