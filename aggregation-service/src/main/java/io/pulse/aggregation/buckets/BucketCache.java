package io.pulse.aggregation.buckets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The bucket store, with the buckets written since the last commit held as objects in front of it. Kafka Streams'
 * own cache holds serialized bytes, so each event paid for reading and writing its whole bucket, KLL sketch
 * included; here a bucket is read from the store once and written to it once per commit, however many events it
 * takes in between.
 *
 * <p>Kafka Streams flushes the caches of a task's stores ({@link #flushCache()}) before it sends the task's
 * changelog records and commits, so every bucket a commit covers is in the store and its changelog by then. A task
 * closed uncleanly drops what it had not written ({@link #clearCache()}, {@link #close()}), as the byte cache below
 * does: its input is read again from the last commit. Range scans see the unwritten buckets because they are
 * written first. Being told to flush is what {@link WrappedStateStore}, an internal class of Kafka Streams, gives a
 * layer of a store; checked against the pinned kafka-streams 4.1.1. Methods are synchronized: the stream thread owns
 * the store, but the bucket gauges ask it from another thread.
 */
public final class BucketCache extends WrappedStateStore<KeyValueStore<String, StoredBucket>, String, StoredBucket>
        implements KeyValueStore<String, StoredBucket> {

    private final Map<String, StoredBucket> unwritten = new HashMap<>();

    BucketCache(KeyValueStore<String, StoredBucket> store) {
        super(store);
    }

    /** Builds the store as {@code store} would, with this cache in front. */
    public static StoreBuilder<KeyValueStore<String, StoredBucket>> in(StoreBuilder<KeyValueStore<String, StoredBucket>> store) {
        return new Builder(store);
    }

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        unwritten.clear();
        super.init(context, root);
    }

    @Override
    public synchronized StoredBucket get(String key) {
        StoredBucket bucket = unwritten.get(key);
        return bucket != null ? bucket : wrapped().get(key);
    }

    @Override
    public synchronized void put(String key, StoredBucket bucket) {
        if (bucket == null) {
            delete(key);
        } else {
            unwritten.put(key, bucket);
        }
    }

    @Override
    public synchronized StoredBucket putIfAbsent(String key, StoredBucket bucket) {
        StoredBucket current = get(key);
        if (current == null) {
            put(key, bucket);
        }
        return current;
    }

    @Override
    public synchronized void putAll(List<KeyValue<String, StoredBucket>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public synchronized StoredBucket delete(String key) {
        StoredBucket dropped = unwritten.remove(key);
        StoredBucket stored = wrapped().delete(key);
        return dropped != null ? dropped : stored;
    }

    @Override
    public synchronized KeyValueIterator<String, StoredBucket> range(String from, String to) {
        write();
        return wrapped().range(from, to);
    }

    @Override
    public synchronized KeyValueIterator<String, StoredBucket> reverseRange(String from, String to) {
        write();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public synchronized KeyValueIterator<String, StoredBucket> all() {
        write();
        return wrapped().all();
    }

    @Override
    public synchronized KeyValueIterator<String, StoredBucket> reverseAll() {
        write();
        return wrapped().reverseAll();
    }

    @Override
    public synchronized <PS extends Serializer<P>, P> KeyValueIterator<String, StoredBucket> prefixScan(P prefix, PS serializer) {
        write();
        return wrapped().prefixScan(prefix, serializer);
    }

    /** The store's count, which leaves out buckets new since the last commit: approximate, as the store says. */
    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    @Override
    public synchronized void flushCache() {
        write();
        super.flushCache();
    }

    @Override
    public synchronized void flush() {
        write();
        super.flush();
    }

    @Override
    public synchronized void clearCache() {
        unwritten.clear();
        super.clearCache();
    }

    @Override
    public synchronized void close() {
        unwritten.clear();
        super.close();
    }

    private void write() {
        unwritten.forEach(wrapped()::put);
        unwritten.clear();
    }

    private record Builder(StoreBuilder<KeyValueStore<String, StoredBucket>> store)
            implements StoreBuilder<KeyValueStore<String, StoredBucket>> {

        @Override
        public StoreBuilder<KeyValueStore<String, StoredBucket>> withCachingEnabled() {
            store.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, StoredBucket>> withCachingDisabled() {
            store.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, StoredBucket>> withLoggingEnabled(Map<String, String> config) {
            store.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, StoredBucket>> withLoggingDisabled() {
            store.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<String, StoredBucket> build() {
            return new BucketCache(store.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return store.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return store.loggingEnabled();
        }

        @Override
        public String name() {
            return store.name();
        }
    }
}
