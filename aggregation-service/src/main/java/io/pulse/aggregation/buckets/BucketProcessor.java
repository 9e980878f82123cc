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
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one metric's buckets per group, in event time. Every event counts in its bucket, whatever its age or order;
 * the allowed lateness decides when a bucket is final, not whether an event counts.
 * <ul>
 * <li>A bucket is final once the event-time clock ({@link EventClock}: the slowest source partition's latest event
 * time) has passed its end plus the allowed lateness, also when partitions have been quiet: a source's clock advances
 * with wall-clock time from its last event, so no bucket waits forever for a next record.</li>
 * <li>An event for a bucket that is final, or behind the clock, is late: it counts in the bucket all the same, and
 * the bucket counts it among its late events and is marked revised. A copy goes to {@code events.late}.</li>
 * <li>Final buckets are kept a while, then let go (the query store keeps them). A late event for a bucket let go, or
 * for one never kept (history behind the clock), joins a <em>revision</em> of that bucket: a partial bucket with an
 * identity of its own (the input record that opened it), published like a bucket and added to the stored one by the
 * query service exactly once. Publishing a whole bucket there would replace what the store holds.</li>
 * <li>Every emit interval (wall clock), changed buckets and pending revisions are published, coalescing the events in
 * between. Both are kept in stores, so a crash between a commit and a publication loses no update.</li>
 * </ul>
 */
public final class BucketProcessor implements Processor<String, CanonicalEvent, String, Emitted> {

    private static final int MAX_GROUP_KEYS = 10_000;
    /**
     * The key under which {@link #clockStore} keeps the start of the latest bucket let go; source partitions are keyed
     * by their number, never negative.
     */
    private static final int LET_GO_UP_TO = -1;

    private final Metric metric;
    private final BucketStores stores;
    private final boolean repartitioned;
    private final Duration emitInterval;
    private final Counter aggregated;
    private final Counter late;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<String, StoredBucket> buckets;
    private KeyValueStore<String, Long> changed;
    /** Revisions of buckets no longer kept, by bucket key, until their publication. */
    private KeyValueStore<String, StoredBucket> revisions;
    /** The latest event time per source partition, kept at each publication for a restart; and {@link #LET_GO_UP_TO}. */
    private KeyValueStore<Integer, Long> clockStore;
    private EventClock clock;
    /**
     * Every bucket starting at or before this and not in {@link #buckets} was let go (or never kept): an event for it
     * is added to a revision. Kept in a store because the clock can restart behind where it was.
     */
    private long letGoUpTo;
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
    public BucketProcessor(Metric metric, BucketStores stores, boolean repartitioned, Duration emitInterval,
                           Counter aggregated, Counter late) {
        this.metric = metric;
        this.stores = stores;
        this.repartitioned = repartitioned;
        this.emitInterval = emitInterval;
        this.aggregated = aggregated;
        this.late = late;
    }

    @Override
    public void init(ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buckets = context.getStateStore(stores.buckets());
        this.changed = context.getStateStore(stores.changed());
        this.revisions = context.getStateStore(stores.revisions());
        this.clockStore = context.getStateStore(stores.sourceClocks());
        this.marked.clear(); // a task revived after a failed transaction re-inits its processors on restored stores
        // Anew, like Kafka Streams' own stream time: a revived task reads again from its last commit.
        // A source quiet for longer than the lateness allowed to its events is no longer waited for.
        this.clock = new EventClock(metric.allowedLateness().toMillis());
        this.letGoUpTo = EventClock.NONE;
        try (KeyValueIterator<Integer, Long> it = clockStore.all()) {
            it.forEachRemaining(kv -> {
                if (kv.key == LET_GO_UP_TO) {
                    letGoUpTo = kv.value;
                } else {
                    clock.restore(kv.key, kv.value);
                }
            });
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
        boolean kept = stored != null;
        boolean isLate = (kept ? stored.isFinal() : start <= letGoUpTo) || eventTime > closesAt(start);
        if (isLate) {
            late.increment();
            context.forward(new Record<>(metric.name(), new Emitted.Late(new LateEvent(event, metric.name(), group,
                    Instant.ofEpochMilli(start), Instant.ofEpochMilli(end(start)), Instant.ofEpochMilli(eventTime))),
                    record.timestamp()));
        } else {
            aggregated.increment();
        }
        if (!kept && isLate) {
            StoredBucket revision = revisions.get(key);
            if (revision == null) {
                revision = StoredBucket.revision(group, start, Bucket.empty(metric), revisionId(record));
            }
            revisions.put(key, revision.withBucket(add(revision.bucket(), event, true)));
            return;
        }
        if (!kept) {
            stored = StoredBucket.open(group, start, Bucket.empty(metric));
        }
        buckets.put(key, stored.withBucket(add(stored.bucket(), event, isLate)));
        markChanged(key, start);
    }

    /**
     * The identity of a revision opened by {@code record}: its input topic, partition and offset name it uniquely and
     * the same way each time exactly-once processing reads that record again after a failure.
     */
    private String revisionId(Record<String, CanonicalEvent> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        return source.topic() + "-" + source.partition() + "@" + source.offset();
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
                forward(stored, wallClock);
            }
        }
        List<KeyValue<String, StoredBucket>> revised = new ArrayList<>();
        try (KeyValueIterator<String, StoredBucket> it = revisions.all()) {
            it.forEachRemaining(revised::add);
        }
        for (KeyValue<String, StoredBucket> revision : revised) {
            revisions.delete(revision.key);
            forward(revision.value, wallClock);
        }
        if (eventTime != EventClock.NONE) {
            letGoBefore(eventTime);
        }
        clock.forEachSource(clockStore::put);
        if (letGoUpTo != EventClock.NONE) {
            clockStore.put(LET_GO_UP_TO, letGoUpTo);
        }
    }

    private void forward(StoredBucket stored, long wallClock) {
        BucketUpdate update = update(stored, wallClock);
        context.forward(new Record<>(update.recordKey(), new Emitted.Update(update), stored.start()));
    }

    private void finalizeUpTo(long eventTime) {
        // A bucket that closes (end + lateness < eventTime) starts at least its length before its end; with a zone,
        // buckets differ in length, and the scan reaches as far as the shortest could start. The test below decides.
        long lastClosedStart = eventTime - metric.allowedLateness().toMillis() - metric.shortestBucket();
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
     * Final buckets stay a while longer, so that a late event is merged in place; after another allowed lateness (at
     * least one granularity) they are let go. Their last value stays on {@code aggregates} and in the query store, and
     * later events for them become revisions.
     */
    private void letGoBefore(long eventTime) {
        long keep = Math.max(metric.allowedLateness().toMillis(), metric.granularity().toMillis());
        // Every bucket starting at or before this has ended by eventTime - keep - lateness, however long it lasts: it
        // is closed, and has been for keep. Buckets never kept up to here are treated as let go.
        long lastLetGo = eventTime - keep - metric.allowedLateness().toMillis() - metric.longestBucket();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, StoredBucket> it = buckets.range(StoreKeys.FIRST, StoreKeys.upTo(lastLetGo))) {
            it.forEachRemaining(kv -> {
                if (kv.value.isFinal() && changed.get(kv.key) == null) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(buckets::delete);
        letGoUpTo = Math.max(letGoUpTo, lastLetGo);
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
        return metric.bucketEnd(start);
    }

    private long closesAt(long start) {
        return end(start) + metric.allowedLateness().toMillis();
    }

    private Bucket add(Bucket bucket, CanonicalEvent event, boolean isLate) {
        Double value = metric.value().map(f -> event.attrs().path(f)).filter(n -> n.isNumber())
                .map(n -> n.asDouble()).orElse(null);
        String distinct = metric.distinct().map(f -> event.attrs().path(f)).filter(n -> n.isValueNode() && !n.isNull())
                .map(n -> n.asText()).orElse(null);
        return isLate ? bucket.addLate(value, distinct) : bucket.add(value, distinct);
    }

    private BucketUpdate update(StoredBucket stored, long wallClock) {
        Instant start = Instant.ofEpochMilli(stored.start());
        return new BucketUpdate(metric.name(), stored.group(), start, Instant.ofEpochMilli(end(stored.start())),
                stored.bucket(), stored.isFinal(), Instant.ofEpochMilli(wallClock), stored.revision());
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
}
