package io.pulse.query.series;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * The points of one group.
 *
 * @param group  the values of the requested group fields; empty when everything rolls up
 * @param points one per step, empty steps included
 */
public record Series(SortedMap<String, String> group, Points points) {

    /**
     * @param ts    the point's time: a series point covers {@code [ts, ts + step)}, a moving one {@code [ts − window, ts)}
     * @param value the aggregation over the events covered; null when there are none
     * @param count the number of events covered
     * @param error for approximate aggregations, the bound of this value's error: {@code relative} for distinct
     *              counts (about 95 % confidence), {@code rank} for quantiles (normalized rank, 99 %); 0 when
     *              exact. Null for exact aggregations.
     */
    public record Point(Instant ts, Double value, long count, long late, boolean revised,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> error) {
    }
}
