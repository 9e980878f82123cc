package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import java.util.List;

/** A metric as {@code GET /v1/metrics} describes it. */
public record MetricInfo(String name, String from, String value, @JsonProperty("group_by") List<String> groupBy,
                         String granularity, @JsonProperty("allowed_lateness") String allowedLateness,
                         List<String> aggregations) {

    static MetricInfo of(Metric m) {
        return new MetricInfo(m.name(), m.from(), m.valueField(), m.groupBy(), Durations.format(m.granularity()),
                Durations.format(m.allowedLateness()), m.aggregations().stream().map(Aggregation::wireName).toList());
    }
}
