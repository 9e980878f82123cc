package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How GET /v1/metrics describes a metric, in the API's JSON. */
class MetricInfoTest {

    private static JsonNode json(Metric metric) throws Exception {
        ObjectMapper mapper = Json.MAPPER.copy();
        new ApiJson().customize(mapper);
        return mapper.readTree(mapper.writeValueAsString(MetricInfo.of(metric)));
    }

    private static Metric daily(ZoneId zone) {
        return new Metric("plays_daily", "song_play", "n", null, List.of("Song"), Duration.ofDays(1), Duration.ofHours(1),
                List.of(Aggregation.COUNT), null, zone);
    }

    @Test
    void aZonedMetricShowsItsZone() throws Exception {
        JsonNode lisbon = json(daily(ZoneId.of("Europe/Lisbon")));
        assertThat(lisbon.path("zone").asText()).isEqualTo("Europe/Lisbon");
        assertThat(lisbon.path("granularity").asText()).isEqualTo("1d");
        assertThat(json(daily(ZoneOffset.ofHoursMinutes(5, 30))).path("zone").asText()).isEqualTo("+05:30");
    }

    @Test
    void aMetricAlignedToTheEpochShowsNoZone() throws Exception {
        JsonNode info = json(daily(null));
        assertThat(info.has("zone")).isFalse();
        assertThat(info.path("allowed_lateness").asText()).isEqualTo("1h");
        assertThat(info.path("group_by").path(0).asText()).isEqualTo("Song");
    }
}
