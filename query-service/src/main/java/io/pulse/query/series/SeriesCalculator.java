package io.pulse.query.series;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.window.WindowedPoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Answers a {@link SeriesRequest} from stored buckets: filters groups, rolls up the fields not asked for, then merges
 * the buckets under each point. Averages come from merged sums and counts, never from averaged averages.
 */
public final class SeriesCalculator {

    private SeriesCalculator() {
    }

    public static List<Series> compute(SeriesRequest request, Collection<GroupBucket> buckets) {
        Map<SortedMap<String, String>, NavigableMap<Instant, Bucket>> groups = new TreeMap<>(SeriesCalculator::compare);
        if (request.groupBy().isEmpty()) {
            groups.put(new TreeMap<>(), new TreeMap<>()); // one roll-up series, even with no data
        }
        for (GroupBucket b : buckets) {
            if (!matches(request, b.group())) {
                continue;
            }
            SortedMap<String, String> kept = new TreeMap<>();
            request.groupBy().forEach(field -> kept.put(field, b.group().get(field)));
            groups.computeIfAbsent(kept, k -> new TreeMap<>()).merge(b.start(), b.bucket(), Bucket::merge);
        }
        List<Series> result = new ArrayList<>();
        groups.forEach((group, byStart) -> result.add(new Series(group, points(request, byStart))));
        return result;
    }

    private static List<Series.Point> points(SeriesRequest request, NavigableMap<Instant, Bucket> byStart) {
        List<Series.Point> points = new ArrayList<>();
        new WindowedPoints(request.from(), request.to(), request.step(), request.window()).forEach(byStart,
                (ts, merged) -> points.add(new Series.Point(ts, value(request.agg(), merged), merged.count(),
                        error(request.agg(), merged))));
        return points;
    }

    static Double value(Aggregation agg, Bucket b) {
        if (b.count() == 0) {
            return null;
        }
        return switch (agg.kind()) {
            case COUNT -> (double) b.count();
            case SUM -> b.sum();
            case AVG -> b.sum() / b.count();
            case MIN -> b.min();
            case MAX -> b.max();
            case DISTINCT -> b.distinct() == null ? null : b.distinct().estimate();
            case QUANTILE -> b.quantiles() == null ? null : b.quantiles().quantile(agg.quantile());
        };
    }

    static Map<String, Double> error(Aggregation agg, Bucket b) {
        return switch (agg.kind()) {
            case DISTINCT -> Map.of("relative", b.distinct() == null ? 0 : b.distinct().relativeError());
            case QUANTILE -> Map.of("rank", b.quantiles() == null ? 0 : b.quantiles().rankError());
            default -> null;
        };
    }

    private static boolean matches(SeriesRequest request, Map<String, String> group) {
        return request.where().entrySet().stream().allMatch(w -> w.getValue().contains(group.get(w.getKey())));
    }

    /** Groups in the order of their JSON, which escapes values so distinct groups never compare equal. */
    private static int compare(SortedMap<String, String> a, SortedMap<String, String> b) {
        return Json.writeString(a).compareTo(Json.writeString(b));
    }
}
