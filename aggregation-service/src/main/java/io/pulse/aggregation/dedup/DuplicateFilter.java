package io.pulse.aggregation.dedup;

import io.micrometer.core.instrument.Counter;
import io.pulse.common.event.CanonicalEvent;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops an event whose id was already seen within the horizon (in event time). Ids live in a window store, so old
 * ones expire with its segments. Ingest keys events by their type's key field, so all copies of an event reach the
 * same partition and this task.
 */
public final class DuplicateFilter implements FixedKeyProcessor<String, CanonicalEvent, CanonicalEvent> {

    private final String storeName;
    private final Duration horizon;
    private final Counter duplicates;
    private FixedKeyProcessorContext<String, CanonicalEvent> context;
    private WindowStore<String, Long> seen;

    public DuplicateFilter(String storeName, Duration horizon, Counter duplicates) {
        this.storeName = storeName;
        this.horizon = horizon;
        this.duplicates = duplicates;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, CanonicalEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, CanonicalEvent> record) {
        CanonicalEvent event = record.value();
        long ts = event.ts();
        // The epoch-millisecond overload: the Instant one formats an error message on every call.
        try (WindowStoreIterator<Long> earlier = seen.fetch(event.id(), ts - horizon.toMillis(), ts + horizon.toMillis())) {
            if (earlier.hasNext()) {
                duplicates.increment();
                return;
            }
        }
        seen.put(event.id(), ts, ts);
        context.forward(record);
    }
}
