package io.pulse.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeohashTest {

    @Test
    void encodesTheWellKnownExamples() {
        // Niemeyer's own example point, and the example of the Wikipedia article (42.6, -5.6) → ezs42
        assertThat(Geohash.of(10.40744, 57.64911, 11)).isEqualTo("u4pruydqqvj");
        assertThat(Geohash.of(-5.6, 42.6, 5)).isEqualTo("ezs42");
    }

    @Test
    void aPrefixIsTheCoarserCell() {
        assertThat(Geohash.of(14.4973794438195, 50.00136875782316, 7)).startsWith(Geohash.of(14.4973794438195, 50.00136875782316, 5));
    }
}
