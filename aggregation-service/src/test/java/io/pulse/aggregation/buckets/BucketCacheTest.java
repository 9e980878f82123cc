package io.pulse.aggregation.buckets;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.aggregation.serde.StoredBucketSerde;
import io.pulse.common.bucket.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The object cache in front of a real (in-memory) Kafka Streams store with the bucket store's serde. */
class BucketCacheTest {

    private final AtomicInteger serialized = new AtomicInteger();
    private KeyValueStore<String, StoredBucket> store;
    private BucketCache cache;

    @BeforeEach
    void start() {
        StoredBucketSerde serde = new StoredBucketSerde();
        Serde<StoredBucket> counting = Serdes.serdeFrom((topic, bucket) -> {
            serialized.incrementAndGet();
            return serde.serializer().serialize(topic, bucket);
        }, serde.deserializer());
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buckets"), Serdes.String(), counting)
                .withLoggingDisabled().build();
        cache = new BucketCache(store);
        cache.init(new MockProcessorContext<>().getStateStoreContext(), cache);
    }

    private static StoredBucket bucket(long start, double... values) {
        Bucket bucket = Bucket.EMPTY;
        for (double v : values) {
            bucket = bucket.add(v);
        }
        return new StoredBucket(new TreeMap<>(), start, bucket, false, null);
    }

    @Test
    void aBucketWrittenManyTimesBetweenCommitsReachesTheStoreOnceAtTheFlush() {
        StoredBucket last = null;
        for (int n = 1; n <= 50; n++) {
            last = cache.get("a") == null ? bucket(0, n) : cache.get("a").withBucket(cache.get("a").bucket().add(n));
            cache.put("a", last);
        }
        assertThat(cache.get("a")).isSameAs(last);
        assertThat(store.get("a")).isNull();
        assertThat(serialized).hasValue(0);

        cache.flushCache();

        assertThat(serialized).hasValue(1);
        StoredBucket stored = store.get("a");
        assertThat(stored.bucket().count()).isEqualTo(50);
        assertThat(stored.bucket().sum()).isEqualTo(50 * 51 / 2.0);
        assertThat(cache.get("a").bucket().count()).isEqualTo(50);
    }

    @Test
    void rangeScansSeeBucketsNotYetWrittenAndDeletesRemoveBothCopies() {
        store.put("b", bucket(2, 1));
        store.put("d", bucket(4, 1));
        cache.put("a", bucket(1, 5));
        cache.put("c", bucket(3, 5));
        cache.put("d", bucket(4, 7));

        assertThat(cache.delete("c").start()).isEqualTo(3);
        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<String, StoredBucket> it = cache.range("a", "d")) {
            it.forEachRemaining((KeyValue<String, StoredBucket> kv) -> seen.add(kv.key + "=" + kv.value.bucket().sum()));
        }
        assertThat(seen).containsExactly("a=5.0", "b=1.0", "d=7.0");
        assertThat(cache.delete("d").bucket().sum()).isEqualTo(7);
        assertThat(cache.get("d")).isNull();
        assertThat(store.get("d")).isNull();
    }

    @Test
    void anUncleanCloseDropsWhatWasNotWritten() {
        store.put("a", bucket(0, 1));
        cache.put("a", bucket(0, 1, 2));
        cache.put("b", bucket(1, 3));

        cache.clearCache();

        assertThat(cache.get("a").bucket().count()).isEqualTo(1);
        assertThat(cache.get("b")).isNull();
        cache.put("b", bucket(1, 3));
        cache.close();
        assertThat(serialized).as("only the store's own write of a").hasValue(1);
    }
}
