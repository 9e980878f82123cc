package io.pulse.common.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.common.json.Json;
import java.util.Arrays;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

class SketchTest {

    @Test
    void distinctIsExactUpToTheLimitAndMergesExactly() {
        DistinctSketch a = DistinctSketch.empty();
        DistinctSketch b = DistinctSketch.empty();
        for (int i = 0; i < 400; i++) {
            a = a.add("u" + i);          // u0..u399
            b = b.add("u" + (i + 300));  // u300..u699: 100 shared
        }
        a = a.add("u1");
        assertThat(a.isExact()).isTrue();
        assertThat(a.estimate()).isEqualTo(400);
        DistinctSketch union = a.merge(b);
        assertThat(union.isExact()).isTrue();
        assertThat(union.estimate()).isEqualTo(700);
        assertThat(union.relativeError()).isZero();
        assertThat(Json.read(Json.write(new Bucket(1, 0, null, null, union, null)), Bucket.class).distinct().estimate())
                .isEqualTo(700);
    }

    @Test
    void distinctSwitchesToHyperLogLogAboveTheLimitWithinItsStatedError() {
        DistinctSketch a = DistinctSketch.empty();
        DistinctSketch b = DistinctSketch.empty();
        int limit = DistinctSketch.EXACT_LIMIT;
        for (int i = 0; i <= limit; i++) {
            a = a.add("a" + i);
        }
        assertThat(a.isExact()).isFalse();
        for (int i = 0; i < 50_000; i++) {
            b = b.add("b" + i);
        }
        DistinctSketch union = a.merge(b).merge(a);  // merging a again must not count it twice
        double truth = limit + 1 + 50_000;
        assertThat(union.relativeError()).isBetween(0.01, 0.05);
        assertThat(Math.abs(union.estimate() - truth) / truth).isLessThanOrEqualTo(union.relativeError());
        DistinctSketch back = DistinctSketch.fromBytes(union.toBytes());
        assertThat(back.estimate()).isEqualTo(union.estimate());
    }

    @Test
    void quantilesOfMergedSketchesAreWithinTheRankError() {
        Random random = new Random(3);
        double[] all = new double[60_000];
        QuantileSketch left = QuantileSketch.empty();
        QuantileSketch right = QuantileSketch.empty();
        for (int i = 0; i < all.length; i++) {
            all[i] = random.nextDouble() * 1000;
            if (i % 2 == 0) {
                left = left.add(all[i]);
            } else {
                right = right.add(all[i]);
            }
        }
        QuantileSketch merged = QuantileSketch.fromBytes(left.merge(right).toBytes());
        Arrays.sort(all);
        double error = merged.rankError();
        assertThat(error).isBetween(0.001, 0.05);
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            double value = merged.quantile(q);
            // the true rank of the returned value, from the sorted raw values
            int rank = Arrays.binarySearch(all, value);
            double trueRank = (rank < 0 ? -rank - 1 : rank + 1) / (double) all.length;
            assertThat(Math.abs(trueRank - q)).as("p" + q).isLessThanOrEqualTo(error);
        }
    }

    @Test
    void smallQuantileSketchesAreExact() {
        QuantileSketch s = QuantileSketch.empty();
        for (int v = 1; v <= 100; v++) {
            s = s.add(v);
        }
        assertThat(s.rankError()).isZero();
        assertThat(s.quantile(0.5)).isEqualTo(50.0);
        assertThat(s.quantile(0.99)).isEqualTo(99.0);
        assertThat(QuantileSketch.empty().quantile(0.5)).isNull();
    }
    /** The aggregation's path: every value added to a sketch just read from bytes, then written back to bytes. */
    @Test
    void quantilesUpdatedThroughTheirBytesStayWithinTheRankErrorOfTheRawValues() {
        Random random = new Random(17);
        double[] all = new double[20_000];
        QuantileSketch stored = QuantileSketch.empty();
        for (int i = 0; i < all.length; i++) {
            all[i] = Math.exp(random.nextGaussian()) * 40;  // long-tailed, like delivery times
            byte[] before = stored.toBytes();
            QuantileSketch read = QuantileSketch.fromBytes(before);
            stored = QuantileSketch.fromBytes(read.add(all[i]).toBytes());
            assertThat(read.toBytes()).as("a sketch read from bytes is not changed by add").isEqualTo(before);
        }
        Arrays.sort(all);
        double error = stored.rankError();
        assertThat(error).isBetween(0.001, 0.05);
        assertThat(stored.quantile(0)).isEqualTo(all[0]);
        assertThat(stored.quantile(1)).isEqualTo(all[all.length - 1]);
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            int rank = Arrays.binarySearch(all, stored.quantile(q));
            double trueRank = (rank < 0 ? -rank - 1 : rank + 1) / (double) all.length;
            assertThat(Math.abs(trueRank - q)).as("p" + q).isLessThanOrEqualTo(error);
        }
    }

    @Test
    void distinctValuesAddedThroughTheirBytesCountLikeAPlainSetThenLikeOneHyperLogLogUpdatedInPlace() {
        Random random = new Random(5);
        SortedSet<String> truth = new TreeSet<>();
        HllSketch inPlace = null; // from the switch on: the kept values in order, then each new one
        DistinctSketch stored = DistinctSketch.empty();
        for (int i = 0; i < 6_000; i++) {
            String value = "user-" + random.nextInt(4_000);
            truth.add(value);
            if (inPlace != null) {
                inPlace.update(value);
            } else if (truth.size() > DistinctSketch.EXACT_LIMIT) {
                inPlace = new HllSketch(DistinctSketch.LG_K, TgtHllType.HLL_4);
                truth.forEach(inPlace::update);
            }
            stored = DistinctSketch.fromBytes(DistinctSketch.fromBytes(stored.toBytes()).add(value).toBytes());
            assertThat(stored.isExact()).isEqualTo(inPlace == null);
            assertThat(stored.estimate()).isEqualTo(inPlace == null ? truth.size() : Math.round(inPlace.getEstimate()));
        }
        assertThat(Math.abs(stored.estimate() - truth.size()) / truth.size()).isLessThanOrEqualTo(stored.relativeError());
    }

    @Test
    void bytesThatAreNoSketchAreRefused() {
        assertThatThrownBy(() -> QuantileSketch.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .isInstanceOf(SketchesException.class);
    }
}
