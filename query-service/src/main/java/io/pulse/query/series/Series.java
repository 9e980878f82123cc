package io.pulse.query.series;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * The points of one group.
 *
 * @param group  the values of the requested group fields; empty when everything rolls up
 * @param points one per step, empty steps included
 */
public record Series(SortedMap<String, String> group, List<Point> points) {

    /**
     * @param ts    the point's time: a series point covers {@code [ts, ts + step)}, a moving one {@code [ts − window, ts)}
     * @param value the aggregation over the events covered; null when there are none
     * @param count the number of events covered
     */
    public record Point(Instant ts, Double value, long count) {
    }
}
