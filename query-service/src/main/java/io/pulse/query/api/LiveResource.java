package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.common.bucket.AggregationValues;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.QueryConfig;
import io.pulse.query.live.LiveUpdates;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.store.BucketReader;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /v1/metrics/{metric}/live}: server-sent events as the metric's buckets change, so dashboards need not
 * poll. Groups roll up as on {@code /series}: each {@code bucket} event is one bucket start of one group of the
 * {@code group_by} fields, merged from every stored group it covers that passes {@code where}. A {@code heartbeat}
 * event keeps idle connections open.
 */
@Path("/v1/metrics")
@Authenticated
public class LiveResource {

    private static final String EXAMPLE = """
            event: bucket
            id: 2018-12-26T18:15:00Z/{"client_name":"airliberty"}
            data: {"metric":"delivery_time","group":{"client_name":"airliberty"},"start":"2018-12-26T18:15:00Z",\
            "end":"2018-12-26T18:16:00Z","count":2,"values":{"count":2.0,"sum":51.0,"avg":25.5,"min":20.0,\
            "max":31.0,"p50":20.0,"p90":31.0,"p99":31.0},"error":{"p50":{"rank":0.0},"p90":{"rank":0.0},\
            "p99":{"rank":0.0}},"late":0,"revised":false,"final":false}

            event: heartbeat
            data: 2018-12-26T18:15:12.041Z
            """;

    @Inject
    Access access;

    @Inject
    Pipeline pipeline;

    @Inject
    LiveUpdates live;

    @Inject
    BucketReader buckets;

    @Inject
    LiveSlots slots;

    @Inject
    QueryConfig config;

    @GET
    @Path("/{metric}/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live bucket changes", description = "Server-sent events. Event 'bucket' (JSON data) each "
            + "time a bucket of a group passing where changes: the group of the group_by fields (without group_by "
            + "all groups roll up into {}), the bucket's start and end, count, 'values' of every aggregation the "
            + "metric keeps, merged over the stored groups it covers (never averaged averages), 'error' bounds of "
            + "the approximate ones, late events, and 'final' once every covered bucket is final. Event "
            + "'heartbeat' every 15 s. A client more than 256 batches behind (a batch: the bucket changes "
            + "committed by any instance that this one heard of at once) is disconnected, and so is every client "
            + "when this instance may have missed changes (its database connection was lost). At most "
            + "pulse.query.max-live-subscribers (1000) streams at once per instance: one more is a 503 "
            + "too-many-subscribers with Retry-After.")
    @APIResponse(responseCode = "200", description = "the event stream", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, examples = @ExampleObject(name = "group_by=client_name",
            value = EXAMPLE)))
    public Multi<OutboundSseEvent> live(
            @Parameter(example = "delivery_time") @PathParam("metric") String metricName,
            @Parameter(description = "field:value or field:a|b, repeatable", example = "client_name:airliberty|taxi-eats")
            @QueryParam("where") List<String> where,
            @Parameter(description = "group fields kept apart, comma-separated; the others roll up",
                    example = "client_name") @QueryParam("group_by") String groupByText,
            @Context Sse sse) {
        Metric metric = access.metric(metricName);
        List<String> groupBy = QueryParameters.groupBy(metric, groupByText, "group_by");
        Map<String, Set<String>> filter = WhereFilter.parse(pipeline, metric, where, config).accepted();
        Runnable release = slots.acquire(access.caller());
        Multi<OutboundSseEvent> buckets = live.batches()
                .map(batch -> changed(metric, groupBy, filter, batch))
                .filter(changed -> !changed.isEmpty())
                // One batch at a time per subscriber, so a roll-up read later never overtakes one read earlier;
                // off the consumer's thread, so the store read never delays storing the next batch.
                .onItem().transformToUniAndConcatenate(changed -> Uni.createFrom()
                        .item(() -> rollUps(metric, groupBy, filter, changed))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onItem().<LiveBucket>disjoint()
                .map(b -> sse.newEventBuilder().name("bucket").id(b.start() + "/" + Json.writeString(b.group()))
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(b).build());
        Multi<OutboundSseEvent> heartbeats = Multi.createFrom().ticks().every(config.liveHeartbeat())
                .map(tick -> sse.newEventBuilder().name("heartbeat").data(Instant.now().toString()).build());
        return Multi.createBy().merging().streams(buckets, heartbeats)
                .onTermination().invoke(release); // ended, failed or cancelled by a client that left
    }

    /** The roll-ups a batch changes: per bucket start, the group_by groups of its updated groups that pass where. */
    private static NavigableMap<Instant, Set<SortedMap<String, String>>> changed(
            Metric metric, List<String> groupBy, Map<String, Set<String>> where, List<BucketKey> batch) {
        NavigableMap<Instant, Set<SortedMap<String, String>>> changed = new TreeMap<>();
        for (BucketKey u : batch) {
            if (u.metric().equals(metric.name()) && SeriesCalculator.matches(where, u.group())) {
                changed.computeIfAbsent(u.start(), s -> new HashSet<>()).add(SeriesCalculator.kept(groupBy, u.group()));
            }
        }
        return changed;
    }

    /**
     * Each changed roll-up as stored now, merged from the stored buckets of its start: the batch that changed it is
     * committed, and every group it covers counts, including those the batch did not touch.
     */
    private List<LiveBucket> rollUps(Metric metric, List<String> groupBy, Map<String, Set<String>> where,
                                     NavigableMap<Instant, Set<SortedMap<String, String>>> changed) {
        List<LiveBucket> events = new ArrayList<>();
        changed.forEach((start, groups) -> {
            Map<SortedMap<String, String>, RollUp> rolled = new LinkedHashMap<>();
            for (BucketReader.Stored row : buckets.between(metric.name(), start,
                    Instant.ofEpochMilli(metric.bucketEnd(start.toEpochMilli())))) {
                GroupBucket stored = row.bucket();
                SortedMap<String, String> group = SeriesCalculator.kept(groupBy, stored.group());
                if (groups.contains(group) && SeriesCalculator.matches(where, stored.group())) {
                    rolled.merge(group, new RollUp(stored.bucket(), row.isFinal()), RollUp::merge);
                }
            }
            rolled.forEach((group, r) -> events.add(LiveBucket.of(metric, group, start, r)));
        });
        return events;
    }

    /** Stored buckets of one start merged: their events, late ones included, and whether all are final. */
    private record RollUp(Bucket bucket, boolean isFinal) {
        RollUp merge(RollUp other) {
            return new RollUp(bucket.merge(other.bucket), isFinal && other.isFinal);
        }
    }

    /**
     * A bucket start of one group as live subscribers see it.
     *
     * @param group  the values of the group_by fields; empty when everything rolls up
     * @param count  events in the bucket
     * @param values every aggregation the metric keeps, by its name in {@code agg}; null ones when there are no events
     * @param error  for the approximate aggregations, their error bound as on series points
     * @param late    how many of its events arrived after it was final (counted in it all the same)
     * @param revised whether it changed after it became final
     */
    public record LiveBucket(String metric, SortedMap<String, String> group, Instant start, Instant end, long count,
                             Map<String, Double> values,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Double>> error,
                             long late, boolean revised, @JsonProperty("final") boolean isFinal) {
        static LiveBucket of(Metric metric, SortedMap<String, String> group, Instant start, RollUp r) {
            return new LiveBucket(metric.name(), group, start, Instant.ofEpochMilli(metric.bucketEnd(start.toEpochMilli())),
                    r.bucket().count(), AggregationValues.values(metric, r.bucket()),
                    AggregationValues.errors(metric, r.bucket()), r.bucket().late(), r.bucket().revised(), r.isFinal());
        }
    }
}
