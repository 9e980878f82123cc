package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The answer of {@code /top}: groups ranked by their value over the whole range, largest first; {@code filter}
 * only with a bounding-box {@code where}: how exact it is; {@code tz} only for a question in a zone, whose times carry
 * its offset.
 */
public record TopResponse(String metric, String agg, List<String> by,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String tz, String from, String to, int k,
                          List<Ranked> top,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<WhereFilter.CellBox> filter) {

    /** One group's value; {@code error} as on series points, for approximate aggregations. */
    public record Ranked(SortedMap<String, String> group, Double value, long count,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> error) {
    }
}
