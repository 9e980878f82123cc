package io.pulse.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeatIndexTest {

    /** Entries of the NWS heat index chart (°F), which prints the index rounded to whole degrees. */
    @ParameterizedTest
    @CsvSource({"80, 40, 80", "90, 40, 91", "90, 60, 100", "100, 40, 109", "96, 65, 121", "110, 40, 136", "86, 90, 105"})
    void matchesTheNwsChart(double temperature, double humidity, long chart) {
        assertThat(Math.round(HeatIndex.of(temperature, humidity))).isEqualTo(chart);
    }
}
