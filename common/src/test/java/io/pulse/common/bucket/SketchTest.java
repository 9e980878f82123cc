package io.pulse.common.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.json.Json;
import java.util.Arrays;
import java.util.Random;
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
}
