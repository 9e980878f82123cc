package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pulse.query.series.Series;
import java.util.List;

/**
 * The answer of {@code /series} and {@code /moving}; {@code window} only for the latter, {@code cumulative} only for
 * running totals ({@code all}: since {@code from}), {@code tz} only for a question in a zone, whose times carry its
 * offset. {@code groupBy} names the
 * group fields of every series (for the CSV columns); it is not part of the JSON. {@code filter} only with a
 * bounding-box {@code where}: how exact it is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeriesResponse(String metric, String agg, String step, String window, String cumulative, String tz,
                             String from, String to, @JsonIgnore List<String> groupBy, List<Series> series, List<WhereFilter.CellBox> filter) {
}
