package io.pulse.query.api;

import io.pulse.common.http.MediaTypes;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problems;
import io.pulse.query.QueryConfig;
import io.pulse.query.series.Series;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.store.BucketReader;
import io.pulse.query.store.BucketRepository;
import io.pulse.query.store.EventOutcomes;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
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
public class MetricResource {

    @Inject
    Pipeline pipeline;

    @Inject
    BucketRepository buckets;

    @Inject
    BucketReader reader;

    @Inject
    EventOutcomes outcomes;

    @Inject
    QueryConfig config;

    @GET
    @Operation(summary = "The metrics of the pipeline", description = "Their aggregations, granularity and group fields.")
    public List<MetricInfo> metrics() {
        return pipeline.metrics().values().stream().map(MetricInfo::of).toList();
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
            + "covers [T, T + step). Also as text/csv and application/x-ndjson rows.")
    public SeriesResponse series(
            @Parameter(example = "delivery_time") @PathParam("metric") String metric,
            @Parameter(description = "first point, inclusive (ISO-8601; zone-less is UTC)", example = "2018-12-26T18:00:00Z") @QueryParam("from") String from,
            @Parameter(description = "end, exclusive", example = "2018-12-26T19:00:00Z") @QueryParam("to") String to,
            @Parameter(description = "a multiple of the granularity", example = "5m") @QueryParam("step") String step,
            @Parameter(description = "count, sum, avg, min, max, distinct or pNN", example = "avg") @QueryParam("agg") String agg,
            @Parameter(description = "group fields kept apart, comma-separated", example = "client_name") @QueryParam("group_by") String groupBy,
            @Parameter(description = "field:value or field:a|b, repeatable; on a geohash-cell field also field:bbox(minLon,minLat,maxLon,maxLat)", example = "client_name:airliberty") @QueryParam("where") List<String> where) {
        return answer(metric, from, to, step, null, agg, groupBy, where);
    }

    @GET
    @Path("/{metric}/moving")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.CSV, MediaTypes.NDJSON})
    @Operation(summary = "A moving window", description = "The point at T covers [T - window, T).")
    public SeriesResponse moving(
            @Parameter(example = "delivery_time") @PathParam("metric") String metric,
            @Parameter(description = "how far back each point looks; required", example = "10m") @QueryParam("window") String window,
            @Parameter(description = "a multiple of the granularity", example = "1m") @QueryParam("step") String step,
            @Parameter(example = "2018-12-26T18:11:00Z") @QueryParam("from") String from,
            @Parameter(example = "2018-12-26T18:25:00Z") @QueryParam("to") String to,
            @Parameter(example = "avg") @QueryParam("agg") String agg,
            @Parameter(example = "client_name") @QueryParam("group_by") String groupBy,
            @Parameter(example = "client_name:airliberty|taxi-eats") @QueryParam("where") List<String> where) {
        if (window == null || window.isBlank()) {
            throw QueryParameters.invalid("window", "is required", List.of("a duration such as 10m, 1h, 1d or PT10M"));
        }
        return answer(metric, from, to, step, window, agg, groupBy, where);
    }

    /** The {@code k} groups with the largest value of {@code agg} over {@code [from, to)}. */
    @GET
    @Path("/{metric}/top")
    @Operation(summary = "The top groups", description = "The k groups with the largest value over [from, to).")
    public TopResponse top(
            @Parameter(example = "delivery_time") @PathParam("metric") String metricName,
            @Parameter(example = "2018-12-20") @QueryParam("from") String fromText,
            @Parameter(example = "2018-12-27") @QueryParam("to") String toText,
            @Parameter(description = "group fields to rank; all by default", example = "client_name") @QueryParam("by") String by,
            @Parameter(example = "count") @QueryParam("agg") String aggText,
            @Parameter(description = "1 to 1000", example = "10") @QueryParam("k") String kText,
            @Parameter(example = "client_name:airliberty|taxi-eats") @QueryParam("where") List<String> where) {
        Metric metric = metric(metricName);
        if (metric.groupBy().isEmpty()) {
            throw QueryParameters.invalid("by", "metric " + metric.name() + " has no group fields to rank", List.of());
        }
        Aggregation agg = QueryParameters.agg(metric, aggText);
        List<String> groupBy = by == null || by.isBlank() ? metric.groupBy() : QueryParameters.groupBy(metric, by, "by");
        int k = QueryParameters.integer("k", kText, 10, 1, 1000);
        WhereFilter filter = WhereFilter.parse(pipeline, metric, where);
        Optional<Instant[]> range = QueryRange.of(buckets, metric, fromText, toText, metric.granularity(), false);
        if (range.isEmpty()) {
            return new TopResponse(metric.name(), agg.wireName(), groupBy, null, null, k, List.of(), boxes(filter));
        }
        Instant from = range.get()[0];
        Instant to = range.get()[1];
        long g = metric.granularity().toMillis();
        Duration whole = Duration.ofMillis((Duration.between(from, to).toMillis() + g - 1) / g * g);
        SeriesRequest request = new SeriesRequest(metric, agg, whole, null, from, from.plus(whole), groupBy,
                filter.accepted());
        List<TopResponse.Ranked> top = compute(request).stream()
                .map(s -> new TopResponse.Ranked(s.group(), s.points().get(0).value(), s.points().get(0).count(),
                        s.points().get(0).error()))
                .filter(r -> r.value() != null)
                .sorted(Comparator.comparing(TopResponse.Ranked::value).reversed())
                .limit(k).toList();
        return new TopResponse(metric.name(), agg.wireName(), groupBy, from, to, k, top, boxes(filter));
    }

    private SeriesResponse answer(String metricName, String fromText, String toText, String stepText, String windowText,
                                  String aggText, String groupByText, List<String> whereTexts) {
        Metric metric = metric(metricName);
        Aggregation agg = QueryParameters.agg(metric, aggText);
        Duration step = QueryParameters.multipleOfGranularity(metric, "step", stepText, false);
        Duration window = windowText == null ? null : QueryParameters.multipleOfGranularity(metric, "window", windowText, true);
        List<String> groupBy = QueryParameters.groupBy(metric, groupByText, "group_by");
        WhereFilter where = WhereFilter.parse(pipeline, metric, whereTexts);
        String stepName = Durations.format(step);
        String windowName = window == null ? null : Durations.format(window);
        Optional<Instant[]> range = QueryRange.of(buckets, metric, fromText, toText, step, window != null);
        if (range.isEmpty()) {
            return new SeriesResponse(metric.name(), agg.wireName(), stepName, windowName, null, null, groupBy, List.of(),
                    boxes(where));
        }
        SeriesRequest request = new SeriesRequest(metric, agg, step, window, range.get()[0], range.get()[1], groupBy,
                where.accepted());
        if (request.points() > config.maxPoints()) {
            throw QueryParameters.invalid("step", request.points() + " points exceed the limit of " + config.maxPoints(),
                    List.of("a step of at least " + Durations.format(step.multipliedBy(request.points() / config.maxPoints() + 1))));
        }
        List<Series> series = compute(request);
        if (series.size() * request.points() > config.maxPoints()) {
            throw QueryParameters.invalid("group_by", series.size() + " series of " + request.points()
                    + " points exceed the limit of " + config.maxPoints(), List.of("fewer group fields", "a where filter", "a larger step"));
        }
        return new SeriesResponse(metric.name(), agg.wireName(), stepName, windowName, request.from(), request.to(),
                groupBy, series, boxes(where));
    }

    /** Bounding-box filters, reported in the answer with their exactness; null (absent) without one. */
    private static List<WhereFilter.CellBox> boxes(WhereFilter where) {
        return where.boxes().isEmpty() ? null : where.boxes();
    }

    private Metric metric(String name) {
        return pipeline.metric(name).orElseThrow(() -> Problems.unknownMetric(pipeline, name).exception());
    }

    private List<Series> compute(SeriesRequest request) {
        return SeriesCalculator.compute(request, reader.read(request));
    }
}
