package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import java.time.ZoneId;
import java.util.List;

/**
 * A metric as {@code GET /v1/metrics} describes it.
 *
 * @param zone the zone whose local midnight starts its buckets, such as {@code Europe/Lisbon} or {@code +05:30};
 *             left out for buckets aligned to the epoch
 */
public record MetricInfo(String name, String from, String value, @JsonProperty("group_by") List<String> groupBy,
                         String granularity, @JsonInclude(JsonInclude.Include.NON_NULL) String zone,
                         @JsonProperty("allowed_lateness") String allowedLateness, List<String> aggregations) {

    static MetricInfo of(Metric m) {
        return new MetricInfo(m.name(), m.from(), m.valueField(), m.groupBy(), Durations.format(m.granularity()),
                m.bucketZone().map(ZoneId::getId).orElse(null), Durations.format(m.allowedLateness()),
                m.aggregations().stream().map(Aggregation::wireName).toList());
    }
}
