package io.pulse.query.api;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.QueryParameters;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.store.BucketRepository;
import io.pulse.query.store.BucketRow;
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
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The query API: the metrics, their time series and moving windows. */
@Path("/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class MetricResource {

    @Inject
    Pipeline pipeline;

    @Inject
    BucketRepository buckets;

    /** Most points one answer may hold, over all its series; more is a 400 asking for a larger step. */
    @ConfigProperty(name = "pulse.query.max-points", defaultValue = "10000")
    long maxPoints;

    @GET
    public List<MetricInfo> metrics() {
        return pipeline.metrics().values().stream().map(MetricInfo::of).toList();
    }

    @GET
    @Path("/{metric}/series")
    public SeriesResponse series(@PathParam("metric") String metric, @QueryParam("from") String from,
                                 @QueryParam("to") String to, @QueryParam("step") String step,
                                 @QueryParam("agg") String agg, @QueryParam("group_by") String groupBy,
                                 @QueryParam("where") List<String> where) {
        return answer(metric, from, to, step, null, agg, groupBy, where);
    }

    @GET
    @Path("/{metric}/moving")
    public SeriesResponse moving(@PathParam("metric") String metric, @QueryParam("window") String window,
                                 @QueryParam("step") String step, @QueryParam("from") String from,
                                 @QueryParam("to") String to, @QueryParam("agg") String agg,
                                 @QueryParam("group_by") String groupBy, @QueryParam("where") List<String> where) {
        if (window == null || window.isBlank()) {
            throw QueryParameters.invalid("window", "is required", List.of("a duration such as 10m, 1h, 1d or PT10M"));
        }
        return answer(metric, from, to, step, window, agg, groupBy, where);
    }

    private SeriesResponse answer(String metricName, String fromText, String toText, String stepText, String windowText,
                                  String aggText, String groupByText, List<String> whereTexts) {
        Metric metric = pipeline.metric(metricName).orElseThrow(() -> Problem.of(404, "unknown-metric",
                "Unknown metric", "no metric '" + metricName + "' in the pipeline")
                .with("known", pipeline.metrics().keySet()).exception());
        var agg = QueryParameters.agg(metric, aggText);
        Duration step = QueryParameters.multipleOfGranularity(metric, "step", stepText, false);
        Duration window = windowText == null ? null : QueryParameters.multipleOfGranularity(metric, "window", windowText, true);
        List<String> groupBy = QueryParameters.groupBy(metric, groupByText);
        var where = QueryParameters.where(metric, whereTexts);
        Optional<Instant> from = QueryParameters.instant("from", fromText).map(t -> floor(t, metric.granularity()));
        Optional<Instant> to = QueryParameters.instant("to", toText);
        if (from.isEmpty() || to.isEmpty()) {
            Optional<Instant[]> span = buckets.span(metric.name());
            if (span.isEmpty()) {
                return new SeriesResponse(metric.name(), agg.wireName(), Durations.format(step),
                        window == null ? null : Durations.format(window), from.orElse(null), to.orElse(null), List.of());
            }
            // By default the answer spans the data; a moving window also shows the step after the last event.
            Instant lastEnd = span.get()[1].plus(metric.granularity());
            from = from.or(() -> Optional.of(floor(span.get()[0], step)));
            to = to.or(() -> Optional.of(window == null ? lastEnd : lastEnd.plus(step)));
        }
        if (!from.get().isBefore(to.get())) {
            throw QueryParameters.invalid("from", "must be before to (" + from.get() + " is not before " + to.get() + ")",
                    List.of("a time before " + to.get()));
        }
        SeriesRequest request = new SeriesRequest(metric, agg, step, window, from.get(), to.get(), groupBy, where);
        if (request.points() > maxPoints) {
            throw QueryParameters.invalid("step", request.points() + " points exceed the limit of " + maxPoints,
                    List.of("a step of at least " + Durations.format(step.multipliedBy(request.points() / maxPoints + 1))));
        }
        List<GroupBucket> rows = buckets.between(metric.name(), request.firstBucket(), request.endOfBuckets()).stream()
                .map(MetricResource::toGroupBucket).toList();
        var series = SeriesCalculator.compute(request, rows);
        if (series.size() * request.points() > maxPoints) {
            throw QueryParameters.invalid("group_by", series.size() + " series of " + request.points()
                    + " points exceed the limit of " + maxPoints, List.of("fewer group fields", "a where filter", "a larger step"));
        }
        return new SeriesResponse(metric.name(), agg.wireName(), Durations.format(step),
                window == null ? null : Durations.format(window), request.from(), request.to(), series);
    }

    @SuppressWarnings("unchecked")
    private static GroupBucket toGroupBucket(BucketRow row) {
        TreeMap<String, String> group = Json.read(row.groupKey, TreeMap.class);
        return new GroupBucket(group, row.start, new Bucket(row.count, row.sum, row.min, row.max,
                row.distinctSketch == null ? null : DistinctSketch.fromBytes(row.distinctSketch),
                row.quantileSketch == null ? null : QuantileSketch.fromBytes(row.quantileSketch)));
    }

    private static Instant floor(Instant t, Duration unit) {
        long u = unit.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), u) * u);
    }
}
