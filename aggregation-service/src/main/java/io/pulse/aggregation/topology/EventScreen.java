package io.pulse.aggregation.topology;

import io.micrometer.core.instrument.Counter;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.event.NumberLimits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decides once per record whether the aggregation takes it: a record that is not a Pulse event, an event holding a
 * number beyond a double (ingest refuses those; this is defence in depth against other producers), or an event too
 * far ahead of the clock becomes a dead letter naming the record's topic, partition and offset. Deciding in one
 * step sends each record to exactly one place even as the clock moves.
 */
final class EventScreen implements FixedKeyProcessor<String, Incoming, EventScreen.Screened> {

    /** An event to aggregate, or the dead letter that replaces it. */
    record Screened(CanonicalEvent event, DeadLetter refusal) {
    }

    /** Dead letters here keep as much of a record as ingest keeps of an item by default. */
    private static final int MAX_RAW_BYTES = 64 * 1024;

    private final String type;
    /** Whether the type declares an id field: repeats are found by id, so an event without one cannot be taken. */
    private final boolean idRequired;
    private final EventTimeExtractor time;
    private final Clock clock;
    private final Counter future;
    private final Counter poison;
    private FixedKeyProcessorContext<String, Screened> context;

    EventScreen(String type, boolean idRequired, EventTimeExtractor time, Clock clock, Counter future, Counter poison) {
        this.type = type;
        this.idRequired = idRequired;
        this.time = time;
        this.clock = clock;
        this.future = future;
        this.poison = poison;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Screened> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Incoming> record) {
        context.forward(record.withValue(screen(record.value())));
    }

    private Screened screen(Incoming incoming) {
        if (incoming instanceof Incoming.Unreadable unreadable) {
            poison.increment();
            return refused(incoming, List.of(new FieldError("", unreadable.reason())));
        }
        CanonicalEvent event = ((Incoming.Event) incoming).event();
        if (idRequired && event.id() == null) {
            poison.increment();
            return refused(incoming, List.of(new FieldError("/id", "not a Pulse event: its type has an id field, the"
                    + " event has no id")));
        }
        List<FieldError> outOfRange = NumberLimits.outOfRange(event.attrs());
        if (!outOfRange.isEmpty()) {
            poison.increment();
            return refused(incoming, outOfRange.stream()
                    .map(e -> new FieldError("/attrs" + e.field(), e.message())).toList());
        }
        if (time.isFuture(event)) {
            future.increment();
            return refused(incoming, List.of(new FieldError("/ts", "event time " + Instant.ofEpochMilli(event.ts())
                    + " is more than " + time.maxFutureSkew().toSeconds() + " s ahead of the aggregation service's clock")));
        }
        return new Screened(event, null);
    }

    /** The record's bytes as it was read go on the dead letter, so it can be fixed and sent again. */
    private Screened refused(Incoming incoming, List<FieldError> reasons) {
        String raw = new String(incoming.bytes(), StandardCharsets.UTF_8);
        return new Screened(null, new DeadLetter(type, raw, reasons, clock.instant(), source()).boundedTo(MAX_RAW_BYTES));
    }

    private String source() {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        return "aggregation-service " + at.topic() + " partition " + at.partition() + " offset " + at.offset();
    }
}
