package io.pulse.query.api;

import io.pulse.common.http.MediaTypes;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.window.WindowedPoints;
import io.pulse.query.QueryConfig;
import io.pulse.query.series.Series;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.store.BucketReader;
import io.pulse.query.store.EventOutcomes;
import io.pulse.query.time.Step;
import io.pulse.query.time.Zoning;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The query API: the metrics, their time series, moving windows and top groups. */
@Path("/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Authenticated
public class MetricResource {

    /** {@code agg=cumulative_sum}: a running {@code sum}, since {@code from} unless {@code cumulative} names a period. */
    private static final String CUMULATIVE = "cumulative_";
    private static final String ALL = "all";

    @Inject
    Access access;

    @Inject
    Pipeline pipeline;

    @Inject
    BucketReader reader;

    @Inject
    EventOutcomes outcomes;

    @Inject
    QueryConfig config;

    @GET
    @Operation(summary = "The metrics of the pipeline the caller may read", description = "Their aggregations, granularity and group fields.")
    public List<MetricInfo> metrics() {
        return access.readableMetrics().stream().map(name -> MetricInfo.of(pipeline.metrics().get(name))).toList();
    }

    @GET
    @Path("/{metric}")
    @Operation(summary = "One metric and how complete its answers are", description = "Its definition, and how many "
            + "events its buckets hold, how many of those arrived after their bucket was final, and how many of its "
            + "type's events were dropped as repeats or rejected as dead letters.")
    public MetricDetail detail(@Parameter(example = "delivery_time") @PathParam("metric") String name) {
        Metric metric = metric(name);
        long[] events = reader.totals(metric.name());
        Map<EventOutcomes.Outcome, Long> outcomes = this.outcomes.of(metric.from());
        return new MetricDetail(MetricInfo.of(metric), new MetricDetail.Events(events[0], events[1],
                outcomes.get(EventOutcomes.Outcome.DUPLICATE), outcomes.get(EventOutcomes.Outcome.DEAD_LETTER)));
    }

    @GET
    @Path("/{metric}/series")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.CSV, MediaTypes.NDJSON})
    @Operation(summary = "A time series", description = "One series per group of the group_by fields; the point at T "
            + "covers [T, next point), or with cumulative the running total from the start of T's period. Also as "
            + "text/csv and application/x-ndjson rows.")
    public SeriesResponse series(
            @Parameter(example = "delivery_time") @PathParam("metric") String metric,
            @Parameter(description = "first point, inclusive: ISO-8601 (zone-less in tz, else UTC), or relative: now-24h, -7d, now/d", example = "2018-12-26T18:00:00Z") @QueryParam("from") String from,
            @Parameter(description = "end, exclusive; also now", example = "2018-12-26T19:00:00Z") @QueryParam("to") String to,
            @Parameter(description = "a multiple of the granularity, or of the calendar: 1w, 1mo, 1q, 1y", example = "5m") @QueryParam("step") String step,
            @Parameter(description = "count, sum, avg, min, max, distinct or pNN; cumulative_sum, cumulative_count", example = "avg") @QueryParam("agg") String agg,
            @Parameter(description = "group fields kept apart, comma-separated", example = "client_name") @QueryParam("group_by") String groupBy,
            @Parameter(description = "field:value or field:a|b, repeatable; on a geohash-cell field also field:bbox(minLon,minLat,maxLon,maxLat)", example = "client_name:airliberty") @QueryParam("where") List<String> where,
            @Parameter(description = "running totals since the start of each period: 1d, 1w, 1mo, 1q, 1y, or all (since from)", example = "1d") @QueryParam("cumulative") String cumulative,
            @Parameter(description = "time zone of the days, weeks and months, and of the times written", example = "Europe/Lisbon") @QueryParam("tz") String tz,
            @Parameter(description = "first day of a week step", example = "monday") @QueryParam("week_start") String weekStart) {
        return answer(metric, new Question(from, to, step, null, agg, cumulative, tz, weekStart), groupBy, where);
    }

    @GET
    @Path("/{metric}/moving")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.CSV, MediaTypes.NDJSON})
    @Operation(summary = "A moving window", description = "The point at T covers [T - window, T).")
    public SeriesResponse moving(
            @Parameter(example = "delivery_time") @PathParam("metric") String metric,
            @Parameter(description = "how far back each point looks; required; in a zone, days, weeks and months are local", example = "10m") @QueryParam("window") String window,
            @Parameter(description = "a multiple of the granularity, or of the calendar: 1w, 1mo, 1q, 1y", example = "1m") @QueryParam("step") String step,
            @Parameter(example = "2018-12-26T18:11:00Z") @QueryParam("from") String from,
            @Parameter(example = "2018-12-26T18:25:00Z") @QueryParam("to") String to,
            @Parameter(example = "avg") @QueryParam("agg") String agg,
            @Parameter(example = "client_name") @QueryParam("group_by") String groupBy,
            @Parameter(example = "client_name:airliberty|taxi-eats") @QueryParam("where") List<String> where,
            @Parameter(example = "Europe/Lisbon") @QueryParam("tz") String tz,
            @Parameter(example = "monday") @QueryParam("week_start") String weekStart) {
        if (window == null || window.isBlank()) {
            throw QueryParameters.invalid("window", "is required", List.of("a duration such as 10m, 1h, 1d or PT10M"));
        }
        return answer(metric, new Question(from, to, step, window, agg, null, tz, weekStart), groupBy, where);
    }

    /** The {@code k} groups with the largest value of {@code agg} over {@code [from, to)}. */
    @GET
    @Path("/{metric}/top")
    @Operation(summary = "The top groups", description = "The k groups with the largest value over [from, to).")
    public TopResponse top(
            @Parameter(example = "delivery_time") @PathParam("metric") String metricName,
            @Parameter(description = "ISO-8601 (zone-less in tz, else UTC), or relative: now-7d, now/w", example = "2018-12-20") @QueryParam("from") String fromText,
            @Parameter(example = "2018-12-27") @QueryParam("to") String toText,
            @Parameter(description = "group fields to rank; all by default", example = "client_name") @QueryParam("by") String by,
            @Parameter(example = "count") @QueryParam("agg") String aggText,
            @Parameter(description = "1 to pulse.query.max-top-k (1000)", example = "10") @QueryParam("k") String kText,
            @Parameter(example = "client_name:airliberty|taxi-eats") @QueryParam("where") List<String> where,
            @Parameter(example = "Europe/Lisbon") @QueryParam("tz") String tz) {
        Metric metric = metric(metricName);
        if (metric.groupBy().isEmpty()) {
            throw QueryParameters.invalid("by", "metric " + metric.name() + " has no group fields to rank", List.of());
        }
        Aggregation agg = QueryParameters.agg(metric, aggText);
        List<String> groupBy = by == null || by.isBlank() ? metric.groupBy() : QueryParameters.groupBy(metric, by, "by");
        int k = QueryLimits.topK(config, kText);
        WhereFilter filter = WhereFilter.parse(pipeline, metric, where, config);
        Zoning zoning = TimeParameters.zoning(metric, tz, null);
        Optional<Instant[]> range = QueryRange.of(reader, metric, zoning, Instant.now(), fromText, toText, null, false);
        String zone = zoning.local() ? zoning.zone().getId() : null;
        if (range.isEmpty()) {
            return new TopResponse(metric.name(), agg.wireName(), groupBy, zone, null, null, k, List.of(), boxes(filter));
        }
        Instant from = range.get()[0];
        Instant to = range.get()[1];
        if (zoning.local()) { // a local day that is not a bucket would be counted in part
            QueryTimeline.requireBucketBoundary(metric, zoning, from.toEpochMilli());
            QueryTimeline.requireBucketBoundary(metric, zoning, to.toEpochMilli());
        }
        // one point over every bucket the range touches
        long end = metric.bucketStart(to.toEpochMilli() - 1);
        WindowedPoints whole = new WindowedPoints(new long[] {from.toEpochMilli()}, new long[] {from.toEpochMilli()},
                new long[] {metric.bucketEnd(end)});
        SeriesRequest request = SeriesRequest.of(metric, agg, whole, to, zoning.writtenZone(), groupBy, filter.accepted());
        List<Series> ranked;
        try {
            ranked = SeriesCalculator.compute(request, reader.read(request, config.maxRankedGroups()));
        } catch (BucketReader.TooManyGroupsException e) {
            throw QueryLimits.tooManyRankedGroups(config);
        }
        List<TopResponse.Ranked> top = ranked.stream()
                .map(s -> new TopResponse.Ranked(s.group(), s.points().get(0).value(), s.points().get(0).count(),
                        s.points().get(0).error()))
                .filter(r -> r.value() != null)
                .sorted(Comparator.comparing(TopResponse.Ranked::value).reversed())
                .limit(k).toList();
        return new TopResponse(metric.name(), agg.wireName(), groupBy, zone, IsoInstant.format(from, zoning.writtenZone()),
                IsoInstant.format(to, zoning.writtenZone()), k, top, boxes(filter));
    }

    /** The time parameters of a series or moving window, as given. */
    private record Question(String from, String to, String step, String window, String agg, String cumulative,
                            String tz, String weekStart) {
    }

    private SeriesResponse answer(String metricName, Question q, String groupByText, List<String> whereTexts) {
        Metric metric = metric(metricName);
        String aggText = q.agg();
        String cumulativeText = q.cumulative();
        if (aggText != null && aggText.trim().startsWith(CUMULATIVE)) {
            aggText = aggText.trim().substring(CUMULATIVE.length());
            cumulativeText = cumulativeText == null || cumulativeText.isBlank() ? ALL : cumulativeText;
        }
        Aggregation agg = QueryParameters.agg(metric, aggText);
        Zoning zoning = TimeParameters.zoning(metric, q.tz(), q.weekStart());
        Step step = TimeParameters.step(metric, zoning, "step", q.step());
        QueryTimeline.Coverage coverage = new QueryTimeline.Plain();
        String windowName = null;
        String cumulativeName = null;
        if (q.window() != null) {
            Step window = TimeParameters.step(metric, zoning, "window", q.window());
            QueryLimits.window(config, window);
            coverage = new QueryTimeline.Moving(window);
            windowName = window.name();
        }
        if (cumulativeText != null && !cumulativeText.isBlank()) {
            if (q.window() != null) {
                throw QueryParameters.invalid("cumulative", "a moving window has no running total", List.of());
            }
            Step period = cumulativeText.trim().equals(ALL) ? null : TimeParameters.step(metric, zoning, "cumulative", cumulativeText);
            coverage = new QueryTimeline.Running(period);
            cumulativeName = period == null ? ALL : period.name();
        }
        List<String> groupBy = QueryParameters.groupBy(metric, groupByText, "group_by");
        WhereFilter where = WhereFilter.parse(pipeline, metric, whereTexts, config);
        String zone = zoning.local() ? zoning.zone().getId() : null;
        Optional<Instant[]> range = QueryRange.of(reader, metric, zoning, Instant.now(), q.from(), q.to(), step,
                q.window() != null);
        if (range.isEmpty()) {
            return new SeriesResponse(metric.name(), agg.wireName(), step.name(), windowName, cumulativeName, zone,
                    null, null, groupBy, List.of(), boxes(where));
        }
        WindowedPoints points = QueryTimeline.of(metric, zoning, step, coverage, range.get()[0], range.get()[1],
                config.maxPoints());
        SeriesRequest request = SeriesRequest.of(metric, agg, points, range.get()[1], zoning.writtenZone(), groupBy,
                where.accepted());
        List<Series> series = compute(request);
        if (series.size() * request.pointCount() > config.maxPoints()) {
            throw QueryLimits.tooManyPoints("group_by", series.size() + " series of " + request.pointCount()
                    + " points exceed the limit of " + config.maxPoints(), List.of("fewer group fields", "a where filter",
                    "a larger step"), config.maxPoints());
        }
        return new SeriesResponse(metric.name(), agg.wireName(), step.name(), windowName, cumulativeName, zone,
                IsoInstant.format(request.from(), zoning.writtenZone()), IsoInstant.format(request.to(), zoning.writtenZone()),
                groupBy, series, boxes(where));
    }

    /** Bounding-box filters, reported in the answer with their exactness; null (absent) without one. */
    private static List<WhereFilter.CellBox> boxes(WhereFilter where) {
        return where.boxes().isEmpty() ? null : where.boxes();
    }

    private Metric metric(String name) {
        return access.metric(name);
    }

    private List<Series> compute(SeriesRequest request) {
        return SeriesCalculator.compute(request, reader.read(request));
    }
}
