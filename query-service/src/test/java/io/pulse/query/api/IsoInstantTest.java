package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast path must write exactly what the JDK writes; the JDK is the oracle. */
class IsoInstantTest {

    @Test
    void writesWhatInstantToStringWrites() {
        SplittableRandom random = new SplittableRandom(11);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long end = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(first, end));
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void edgesAndWhatTheFastPathLeavesToTheJdk() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "2024-02-29T12:34:56Z", "2018-12-26T18:11:00Z", "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59Z", "2018-12-26T18:11:08.509654Z", "2018-12-26T18:11:08.500Z"}) {
            assertThat(IsoInstant.format(Instant.parse(text))).isEqualTo(text);
        }
    }
}
