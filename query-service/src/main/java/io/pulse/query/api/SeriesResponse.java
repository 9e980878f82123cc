package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pulse.query.series.Series;
import java.time.Instant;
import java.util.List;

/** The answer of {@code /series} and {@code /moving}; {@code window} only for the latter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeriesResponse(String metric, String agg, String step, String window, Instant from, Instant to,
                             List<Series> series) {
}
