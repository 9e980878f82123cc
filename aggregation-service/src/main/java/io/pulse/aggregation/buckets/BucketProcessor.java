package io.pulse.aggregation.buckets;

import io.micrometer.core.instrument.Counter;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.LateEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one metric's buckets per group, in event time.
 * <ul>
 * <li>An event joins its bucket while the event-time clock ({@link EventClock}: the slowest source partition's latest
 * event time) is at most the bucket's end plus the allowed lateness; after that, or once the bucket is final, it goes
 * to {@code events.late} and the bucket counts it as late.</li>
 * <li>Every emit interval (wall clock), changed buckets are published, coalescing the updates in between. The set
 * of changed buckets is itself a store, so a crash between a commit and a publication loses no update.</li>
 * <li>A bucket becomes final when the clock passes its end plus the allowed lateness, also when partitions have
 * been quiet: a source's clock advances with wall-clock time from its last event, so no bucket waits forever for a
 * next record.</li>
 * </ul>
 */
public final class BucketProcessor implements Processor<String, CanonicalEvent, String, Emitted> {

    private static final int MAX_GROUP_KEYS = 10_000;

    private final Metric metric;
    private final String bucketStore;
    private final String changedStore;
    private final String clockStore;
    private final boolean repartitioned;
    private final Duration emitInterval;
    private final Counter aggregated;
    private final Counter late;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<String, StoredBucket> buckets;
    private KeyValueStore<String, Long> changed;
    /** The latest event time per source partition, kept at each publication for a restart. */
    private KeyValueStore<Integer, Long> sourceClocks;
    private EventClock clock;
    /**
     * Keys this processor put in {@link #changed} since its last publication, which are still there: marking such a
     * bucket again would change nothing, and it would cost a cache write per event. Lost with the processor, which
     * only means a bucket is marked once more.
     */
    private final Set<String> marked = new HashSet<>();
    /**
     * Groups written as JSON, by their values: consecutive events mostly repeat a recent group, and writing the JSON
     * for every event showed in profiles. Emptied when it reaches {@link #MAX_GROUP_KEYS}, so it never grows unbounded.
     */
    private final Map<SortedMap<String, String>, String> groupKeys = new HashMap<>();

    /**
     * @param repartitioned whether events come through a repartition topic, tagged with their source partition by
     *                      {@link SourcePartition}
     */
    public BucketProcessor(Metric metric, String bucketStore, String changedStore, String clockStore,
                           boolean repartitioned, Duration emitInterval, Counter aggregated, Counter late) {
        this.metric = metric;
        this.bucketStore = bucketStore;
        this.changedStore = changedStore;
        this.clockStore = clockStore;
        this.repartitioned = repartitioned;
        this.emitInterval = emitInterval;
        this.aggregated = aggregated;
        this.late = late;
    }

    @Override
    public void init(ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buckets = context.getStateStore(bucketStore);
        this.changed = context.getStateStore(changedStore);
        this.sourceClocks = context.getStateStore(clockStore);
        this.marked.clear(); // a task revived after a failed transaction re-inits its processors on restored stores
        // Anew, like Kafka Streams' own stream time: a revived task reads again from its last commit.
        // A source quiet for longer than the lateness allowed to its events is no longer waited for.
        this.clock = new EventClock(metric.allowedLateness().toMillis());
        try (KeyValueIterator<Integer, Long> it = sourceClocks.all()) {
            it.forEachRemaining(kv -> clock.restore(kv.key, kv.value));
        }
        context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    @Override
    public void process(Record<String, CanonicalEvent> record) {
        CanonicalEvent event = record.value();
        long now = context.currentSystemTimeMs();
        clock.advance(repartitioned ? SourcePartition.of(record.headers()) : 0, record.timestamp(), now);
        long eventTime = clock.at(now);
        SortedMap<String, String> group = group(event);
        long start = metric.bucketStart(event.ts());
        String key = StoreKeys.of(start, groupKey(group));
        StoredBucket stored = buckets.get(key);
        if ((stored != null && stored.isFinal()) || eventTime > closesAt(start)) {
            late.increment();
            if (stored != null) {
                buckets.put(key, stored.withLate());
                markChanged(key, start);
            }
            context.forward(new Record<>(metric.name(), new Emitted.Late(new LateEvent(event, metric.name(), group,
                    Instant.ofEpochMilli(start), Instant.ofEpochMilli(end(start)), Instant.ofEpochMilli(eventTime))),
                    record.timestamp()));
            return;
        }
        if (stored == null) {
            stored = new StoredBucket(group, start, Bucket.empty(metric), 0, false);
        }
        buckets.put(key, stored.withBucket(add(stored.bucket(), event)));
        markChanged(key, start);
        aggregated.increment();
    }

    /** Marks what can no longer change as final, publishes every changed bucket, forgets buckets long closed. */
    private void publish(long wallClock) {
        long eventTime = clock.at(wallClock);
        if (eventTime != EventClock.NONE) {
            finalizeUpTo(eventTime);
        }
        List<KeyValue<String, Long>> pending = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = changed.all()) {
            it.forEachRemaining(pending::add);
        }
        for (KeyValue<String, Long> entry : pending) {
            StoredBucket stored = buckets.get(entry.key);
            changed.delete(entry.key);
            marked.remove(entry.key);
            if (stored != null) {
                BucketUpdate update = update(stored, wallClock);
                context.forward(new Record<>(Json.writeString(update.key()), new Emitted.Update(update), stored.start()));
            }
        }
        if (eventTime != EventClock.NONE) {
            forgetBefore(eventTime);
        }
        clock.forEachSource(sourceClocks::put);
    }

    private void finalizeUpTo(long eventTime) {
        long lastClosedStart = eventTime - metric.allowedLateness().toMillis() - metric.granularity().toMillis();
        List<KeyValue<String, StoredBucket>> closing = new ArrayList<>();
        try (KeyValueIterator<String, StoredBucket> it = buckets.range(StoreKeys.FIRST, StoreKeys.upTo(lastClosedStart))) {
            it.forEachRemaining(kv -> {
                if (!kv.value.isFinal() && eventTime > closesAt(kv.value.start())) {
                    closing.add(kv);
                }
            });
        }
        for (KeyValue<String, StoredBucket> kv : closing) {
            buckets.put(kv.key, kv.value.asFinal());
            markChanged(kv.key, kv.value.start());
        }
    }

    /**
     * Final buckets stay a while longer so that events missing them are still counted in them; after another
     * allowed lateness (at least one granularity) they are dropped from the store. Their last value stays on
     * {@code aggregates} and in the query store.
     */
    private void forgetBefore(long eventTime) {
        long keep = Math.max(metric.allowedLateness().toMillis(), metric.granularity().toMillis());
        long lastForgotten = eventTime - keep - metric.allowedLateness().toMillis() - metric.granularity().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, StoredBucket> it = buckets.range(StoreKeys.FIRST, StoreKeys.upTo(lastForgotten))) {
            it.forEachRemaining(kv -> {
                if (kv.value.isFinal() && changed.get(kv.key) == null) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(buckets::delete);
    }

    private String groupKey(SortedMap<String, String> group) {
        if (groupKeys.size() >= MAX_GROUP_KEYS) {
            groupKeys.clear();
        }
        return groupKeys.computeIfAbsent(group, Json::writeString);
    }

    private void markChanged(String key, long start) {
        if (marked.add(key)) {
            changed.put(key, start);
        }
    }

    private long end(long start) {
        return start + metric.granularity().toMillis();
    }

    private long closesAt(long start) {
        return end(start) + metric.allowedLateness().toMillis();
    }

    private Bucket add(Bucket bucket, CanonicalEvent event) {
        Double value = metric.value().map(f -> event.attrs().path(f)).filter(n -> n.isNumber())
                .map(n -> n.asDouble()).orElse(null);
        String distinct = metric.distinct().map(f -> event.attrs().path(f)).filter(n -> n.isValueNode() && !n.isNull())
                .map(n -> n.asText()).orElse(null);
        return bucket.add(value, distinct);
    }

    private BucketUpdate update(StoredBucket stored, long wallClock) {
        Instant start = Instant.ofEpochMilli(stored.start());
        return new BucketUpdate(metric.name(), stored.group(), start, Instant.ofEpochMilli(end(stored.start())),
                stored.bucket(), stored.late(), stored.isFinal(), Instant.ofEpochMilli(wallClock));
    }

    /** The event's values of the metric's group-by fields; absent ones are null. */
    public static SortedMap<String, String> group(Metric metric, CanonicalEvent event) {
        SortedMap<String, String> group = new TreeMap<>();
        for (String field : metric.groupBy()) {
            var value = event.attrs().path(field);
            group.put(field, value.isValueNode() && !value.isNull() ? value.asText() : null);
        }
        return group;
    }

    private SortedMap<String, String> group(CanonicalEvent event) {
        return group(metric, event);
    }

    /** Keys ordered by bucket start, so closing and forgetting are range scans. */
    static final class StoreKeys {
        static final String FIRST = "";

        private StoreKeys() {
        }

        static String of(long start, String groupJson) {
            return prefix(start) + "|" + groupJson;
        }

        /** Every key of a bucket starting at or before {@code start} sorts below this. */
        static String upTo(long start) {
            return prefix(start) + "}";
        }

        /** Sign-flipped hex keeps negative (pre-1970) starts in order too. */
        private static String prefix(long start) {
            String hex = Long.toHexString(start ^ Long.MIN_VALUE);
            return "0".repeat(16 - hex.length()) + hex;
        }
    }
}
