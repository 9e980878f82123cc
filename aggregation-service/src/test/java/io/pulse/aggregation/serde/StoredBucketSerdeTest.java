package io.pulse.aggregation.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.aggregation.buckets.StoredBucket;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import java.util.Arrays;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoredBucketSerdeTest {

    private final StoredBucketSerde serde = new StoredBucketSerde();

    @Test
    void randomBucketsComeBackEqualWithEveryEstimate() {
        Random random = new Random(11);
        for (int round = 0; round < 40; round++) {
            int events = random.nextInt(2_500);
            DistinctSketch distinct = DistinctSketch.empty();
            QuantileSketch quantiles = QuantileSketch.empty();
            long count = 0;
            double sum = 0;
            Double min = null;
            Double max = null;
            for (int i = 0; i < events; i++) {
                double value = random.nextGaussian() * 100;
                distinct = distinct.add("user-" + random.nextInt(2_000)); // exact at first, HyperLogLog past 1,000
                quantiles = quantiles.add(value);
                count++;
                sum += value;
                min = min == null ? value : Math.min(min, value);
                max = max == null ? value : Math.max(max, value);
            }
            boolean withDistinct = random.nextBoolean();
            boolean withQuantiles = random.nextBoolean();
            SortedMap<String, String> group = new TreeMap<>();
            group.put("client_name", "client-é-" + random.nextInt(50));
            group.put("region", random.nextBoolean() ? null : "");
            StoredBucket stored = new StoredBucket(group, random.nextLong(), new Bucket(count, sum, min, max,
                    withDistinct ? distinct : null, withQuantiles ? quantiles : null, random.nextInt(10),
                    random.nextBoolean()), random.nextBoolean(),
                    random.nextBoolean() ? null : "events.frame-" + random.nextInt(6) + "@" + random.nextLong());

            StoredBucket back = roundTrip(stored);

            assertThat(back).isEqualTo(stored);
            if (withDistinct) {
                assertThat(back.bucket().distinct().estimate()).isEqualTo(distinct.estimate());
            }
            if (withQuantiles) {
                for (double q : new double[] {0.5, 0.9, 0.99}) {
                    assertThat(back.bucket().quantiles().quantile(q)).isEqualTo(quantiles.quantile(q));
                }
            }
        }
    }

    @Test
    void aBucketWithoutValuesOrGroupComesBackEqual() {
        StoredBucket stored = new StoredBucket(new TreeMap<>(), -60_000, Bucket.EMPTY, false, null);
        assertThat(roundTrip(stored)).isEqualTo(stored);
    }

    @Test
    void truncatedBytesAreASerializationError() {
        StoredBucket stored = new StoredBucket(new TreeMap<>(), 0, new Bucket(1, 2, 2.0, 2.0), false, null);
        byte[] bytes = serde.serializer().serialize("t", stored);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(SerializationException.class);
        bytes[0] = 7;
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 7");
    }

    private StoredBucket roundTrip(StoredBucket stored) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", stored));
    }
}
