package io.pulse.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliVsPythonTest {

    /** The README's worked example: 18:11:08 (20), 18:15:19 (31), 18:23:19 (54), window 10 minutes. */
    @Test
    void theBenchsOwnMovingAverageGivesTheWorkedExampleUpToOneMinutePastTheLastEvent() {
        long[] times = {millis("2018-12-26T18:11:08.509Z"), millis("2018-12-26T18:15:19.903Z"), millis("2018-12-26T18:23:19.903Z")};
        List<String> lines = CliVsPython.expected(times, new double[] {20, 31, 54});
        assertThat(lines).hasSize(14);
        assertThat(lines.get(0)).isEqualTo("{\"date\": \"2018-12-26 18:11:00\", \"average_delivery_time\": 0}");
        assertThat(lines.get(1)).isEqualTo("{\"date\": \"2018-12-26 18:12:00\", \"average_delivery_time\": 20.0}");
        assertThat(lines.get(5)).endsWith("18:16:00\", \"average_delivery_time\": 25.5}");
        assertThat(lines.get(11)).endsWith("18:22:00\", \"average_delivery_time\": 31.0}");
        assertThat(lines.get(13)).endsWith("18:24:00\", \"average_delivery_time\": 42.5}");
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
