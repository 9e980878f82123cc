package io.pulse.aggregation.topology;

import io.pulse.common.event.CanonicalEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows follow the event's own time, not the record's: ingest stamps records with the time they arrived, so
 * topic retention counts from arrival and a replay of old data is not deleted on sight.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return record.value() instanceof CanonicalEvent event ? event.ts() : record.timestamp();
    }
}
