package io.pulse.common.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WindowedPointsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** The design's worked example: 20 at 18:11:08, 31 at 18:15:19, 54 at 18:23:19, in minute buckets. */
    private static final NavigableMap<Instant, Bucket> WORKED_EXAMPLE = new TreeMap<>(Map.of(
            Instant.parse("2018-12-26T18:11:00Z"), Bucket.EMPTY.add(20),
            Instant.parse("2018-12-26T18:15:00Z"), Bucket.EMPTY.add(31),
            Instant.parse("2018-12-26T18:23:00Z"), Bucket.EMPTY.add(54)));

    private static List<String> points(WindowedPoints points) {
        List<String> shown = new ArrayList<>();
        points.forEach(WORKED_EXAMPLE, (ts, b) -> shown.add(ts.toString().substring(11, 16) + " "
                + (b.count() == 0 ? "-" : b.sum() / b.count()) + " " + b.count()));
        return shown;
    }

    @Test
    void aMovingPointCoversTheWindowBeforeIt() {
        assertThat(points(new WindowedPoints(Instant.parse("2018-12-26T18:11:00Z"), Instant.parse("2018-12-26T18:25:00Z"),
                MINUTE, Duration.ofMinutes(10)))).containsExactly(
                "18:11 - 0", "18:12 20.0 1", "18:13 20.0 1", "18:14 20.0 1", "18:15 20.0 1",
                "18:16 25.5 2", "18:17 25.5 2", "18:18 25.5 2", "18:19 25.5 2", "18:20 25.5 2", "18:21 25.5 2",
                "18:22 31.0 1", "18:23 31.0 1", "18:24 42.5 2");
    }

    @Test
    void aPlainPointCoversItsStep() {
        assertThat(points(new WindowedPoints(Instant.parse("2018-12-26T18:10:00Z"), Instant.parse("2018-12-26T18:25:00Z"),
                Duration.ofMinutes(5), null))).containsExactly("18:10 20.0 1", "18:15 31.0 1", "18:20 54.0 1");
    }
}
