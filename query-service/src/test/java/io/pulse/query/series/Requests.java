package io.pulse.query.series;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.window.WindowedPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Questions with a fixed step, as the tests ask them. */
public final class Requests {

    private Requests() {
    }

    /** Points every {@code step} over {@code [from, to)}, each covering its step or, given one, the window before it. */
    public static SeriesRequest every(Metric metric, Aggregation agg, Duration step, Duration window, Instant from,
                                      Instant to, List<String> groupBy, Map<String, Set<String>> where) {
        return SeriesRequest.of(metric, agg, WindowedPoints.every(from, to, step, window), to, null, groupBy, where);
    }
}
