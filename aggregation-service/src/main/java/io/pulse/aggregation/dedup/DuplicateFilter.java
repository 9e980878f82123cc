package io.pulse.aggregation.dedup;

import io.micrometer.core.instrument.Counter;
import io.pulse.common.event.CanonicalEvent;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Tells an event whose id was already seen within the horizon (in event time), a repeat, from a new one; the
 * topology counts only new ones and keeps a copy of each repeat. Ids live in a window store, so old
 * ones expire with its segments. Ingest keys events by their type's key field, so all copies of an event reach the
 * same partition and this task.
 *
 * <p>An id is stored under the start of its horizon-wide slot of event time, with its event time as the value, so an
 * earlier sighting within the horizon is in the event's slot or one of its two neighbours: three point lookups. A
 * range fetch over the horizon opened a RocksDB iterator per segment for every event, about a tenth of the service's
 * CPU samples in the aggregation benchmark.
 */
public final class DuplicateFilter implements FixedKeyProcessor<String, CanonicalEvent, Seen> {

    private final String storeName;
    private final Duration horizon;
    private final Counter duplicates;
    private FixedKeyProcessorContext<String, Seen> context;
    private WindowStore<String, Long> seen;

    public DuplicateFilter(String storeName, Duration horizon, Counter duplicates) {
        this.storeName = storeName;
        this.horizon = horizon;
        this.duplicates = duplicates;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Seen> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, CanonicalEvent> record) {
        CanonicalEvent event = record.value();
        long ts = event.ts();
        long horizonMs = horizon.toMillis();
        long slot = slotOf(ts, horizonMs);
        for (long earlier = slot - horizonMs; earlier <= slot + horizonMs; earlier += horizonMs) {
            Long seenAt = seen.fetch(event.id(), earlier);
            if (seenAt != null && Math.abs(seenAt - ts) <= horizonMs) {
                duplicates.increment();
                context.forward(record.withValue(new Seen(event, true)));
                return;
            }
        }
        // Never replaces an id in the slot: one there is less than a horizon away, so this event was dropped above.
        seen.put(event.id(), ts, slot);
        context.forward(record.withValue(new Seen(event, false)));
    }

    /** The start of the horizon-wide slot of event time holding {@code ts}. */
    private static long slotOf(long ts, long horizonMs) {
        return Math.floorDiv(ts, horizonMs) * horizonMs;
    }
}
