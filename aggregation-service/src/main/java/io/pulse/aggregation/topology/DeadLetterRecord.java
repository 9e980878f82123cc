package io.pulse.aggregation.topology;

import io.pulse.aggregation.topology.EventScreen.Screened;
import io.pulse.common.json.Json;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A refused record as its dead letter, written as ingest writes its own: keyed by the event type and stamped with
 * the time it was refused. The record it replaces is keyed by its event and stamped with its event time (2018 for a
 * backfill): a reader looking for a type's dead letters received since a time would pass it over, and the topic's
 * retention, which counts from a record's timestamp, would let the broker delete it as soon as its segment rolls.
 */
final class DeadLetterRecord implements Processor<String, Screened, String, String> {

    private final String type;
    private final Clock clock;
    private ProcessorContext<String, String> context;

    DeadLetterRecord(String type, Clock clock) {
        this.type = type;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Screened> record) {
        context.forward(record.withKey(type).withValue(Json.writeString(record.value().refusal()))
                .withTimestamp(clock.millis()));
    }
}
