package io.pulse.aggregation.sink;

import io.pulse.aggregation.buckets.StoreKeys;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns one metric's bucket updates into the records of its sink topics: each final bucket's whole value, at its
 * finality and again at each later change.
 * <ul>
 * <li>Values not yet final are left out: a sink carries settled numbers only.</li>
 * <li>A final value is the bucket whole and replaces what was kept. A revision holds only the events that came
 * after the bucket was let go, so it is added to the value kept from the last publication; with none kept (a bucket
 * never published whole, such as history behind the clock, or one purged after its retention) it is the whole.</li>
 * <li>Each bucket's last published value and publication number are kept in a store, so the numbers go on from
 * there after a restart. The store commits with the output in the application's exactly-once transactions, and this
 * processor runs in the bucket processor's task, which owns every update of a bucket: each update is taken once.</li>
 * <li>With a retention, entries for buckets that start before it (wall clock) are purged, as the query service drops
 * them; without one they are kept for ever.</li>
 * </ul>
 */
public final class SinkPublisher implements Processor<String, BucketUpdate, SinkKey, SinkBucket> {

    /** How often expired entries are looked for: a range scan that finds nothing costs next to nothing. */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private final Metric metric;
    private final String storeName;
    private ProcessorContext<SinkKey, SinkBucket> context;
    private KeyValueStore<String, PublishedBucket> published;

    /** @param storeName the store of published buckets, keyed by {@link StoreKeys} */
    public SinkPublisher(Metric metric, String storeName) {
        this.metric = metric;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<SinkKey, SinkBucket> context) {
        this.context = context;
        this.published = context.getStateStore(storeName);
        metric.retentionPeriod().ifPresent(retention -> context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> purgeStartingBefore(now - retention.toMillis())));
    }

    @Override
    public void process(Record<String, BucketUpdate> record) {
        BucketUpdate update = record.value();
        if (!update.isFinal()) {
            return;
        }
        String key = StoreKeys.of(update.start().toEpochMilli(), Json.writeString(update.group()));
        PublishedBucket kept = published.get(key);
        Bucket whole = update.isRevision() && kept != null ? kept.bucket().merge(update.bucket()) : update.bucket();
        long revision = kept == null ? 0 : kept.revision() + 1;
        published.put(key, new PublishedBucket(whole, revision));
        // Stamped with the publication time, not the bucket's start: a topic with time-based retention keeps the
        // record for that long from now, where a history bucket's start would have it deleted at once.
        context.forward(new Record<>(SinkKey.of(update), SinkBucket.of(metric, update, whole, revision),
                update.updatedAt().toEpochMilli()));
    }

    private void purgeStartingBefore(long cutoff) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, PublishedBucket> it = published.range(StoreKeys.FIRST, StoreKeys.upTo(cutoff - 1))) {
            it.forEachRemaining(kv -> expired.add(kv.key));
        }
        expired.forEach(published::delete);
    }
}
