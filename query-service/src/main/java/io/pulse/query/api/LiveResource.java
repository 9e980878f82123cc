package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.query.live.LiveUpdates;
import io.pulse.query.series.QueryParameters;
import io.pulse.query.series.WhereFilter;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /v1/metrics/{metric}/live}: server-sent events as the metric's buckets change, so dashboards need not
 * poll. Each {@code bucket} event is one changed bucket of one group; a {@code heartbeat} event keeps idle
 * connections open. For roll-ups of several groups ask {@code /series}.
 */
@Path("/v1/metrics")
public class LiveResource {

    @Inject
    Pipeline pipeline;

    @Inject
    LiveUpdates live;

    /** Time between heartbeats on an idle or busy stream. */
    @ConfigProperty(name = "pulse.query.live-heartbeat", defaultValue = "15s")
    Duration heartbeat;

    @GET
    @Path("/{metric}/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live bucket changes", description = "Server-sent events: 'bucket' per changed bucket of a "
            + "group matching where, 'heartbeat' every 15 s.")
    public Multi<OutboundSseEvent> live(@PathParam("metric") String metricName, @QueryParam("where") List<String> where,
                                        @QueryParam("group_by") String groupBy, @Context Sse sse) {
        Metric metric = pipeline.metric(metricName).orElseThrow(() -> Problem.of(404, "unknown-metric",
                "Unknown metric", "no metric '" + metricName + "' in the pipeline")
                .with("known", pipeline.metrics().keySet()).exception());
        if (groupBy != null && !groupBy.isBlank()) {
            throw QueryParameters.invalid("group_by", "live events are per bucket of each group; roll-ups come from "
                    + "/series", List.of("where=field:value to follow some groups"));
        }
        Map<String, Set<String>> filter = WhereFilter.parse(pipeline, metric, where).accepted();
        Multi<OutboundSseEvent> buckets = live.stream()
                .filter(u -> u.metric().equals(metric.name()))
                .filter(u -> filter.entrySet().stream().allMatch(w -> w.getValue().contains(u.group().get(w.getKey()))))
                .map(u -> sse.newEventBuilder().name("bucket").id(u.start() + "/" + Json.writeString(u.group()))
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(LiveBucket.of(u)).build());
        Multi<OutboundSseEvent> heartbeats = Multi.createFrom().ticks().every(heartbeat)
                .map(tick -> sse.newEventBuilder().name("heartbeat").data(Instant.now().toString()).build());
        return Multi.createBy().merging().streams(buckets, heartbeats);
    }

    /** A changed bucket as live subscribers see it: its exact aggregates, without sketches. */
    public record LiveBucket(String metric, Map<String, String> group, Instant start, Instant end, long count,
                             double sum, Double avg, Double min, Double max, long late,
                             @JsonProperty("final") boolean isFinal) {
        static LiveBucket of(BucketUpdate u) {
            var b = u.bucket();
            return new LiveBucket(u.metric(), u.group(), u.start(), u.end(), b.count(), b.sum(),
                    b.count() == 0 ? null : b.sum() / b.count(), b.min(), b.max(), u.late(), u.isFinal());
        }
    }
}
