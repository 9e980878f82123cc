package io.pulse.common.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AggregationTest {

    @Test
    void readsAndWritesWireNames() {
        assertThat(Aggregation.fromWireName("avg")).contains(Aggregation.AVG);
        assertThat(Aggregation.fromWireName("distinct")).contains(Aggregation.DISTINCT);
        assertThat(Aggregation.fromWireName("p99").orElseThrow().quantile()).isEqualTo(0.99);
        assertThat(Aggregation.fromWireName("p99.9").orElseThrow().wireName()).isEqualTo("p99.9");
        assertThat(Aggregation.fromWireName("p50").orElseThrow().wireName()).isEqualTo("p50");
        assertThat(Aggregation.fromWireName("p0")).isEmpty();
        assertThat(Aggregation.fromWireName("p100")).isEmpty();
        assertThat(Aggregation.fromWireName("quantile")).isEmpty();
        assertThat(Aggregation.fromWireName("Avg")).isEmpty();
    }
}
