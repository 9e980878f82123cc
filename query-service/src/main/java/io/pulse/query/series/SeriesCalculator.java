package io.pulse.query.series;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Answers a {@link SeriesRequest} from stored buckets: filters groups, rolls up the fields not asked for, then merges
 * the buckets under each point. Averages come from merged sums and counts, never from averaged averages.
 */
public final class SeriesCalculator {

    private static final NavigableMap<Instant, Bucket> FILTERED_OUT = Collections.emptyNavigableMap();

    private SeriesCalculator() {
    }

    public static List<Series> compute(SeriesRequest request, Collection<GroupBucket> buckets) {
        Map<SortedMap<String, String>, NavigableMap<Instant, Bucket>> groups = new HashMap<>();
        if (request.groupBy().isEmpty()) {
            groups.put(new TreeMap<>(), new TreeMap<>()); // one roll-up series, even with no data
        }
        // Buckets of one stored group share its map: the filter and the roll-up are decided once per stored group.
        Map<Map<String, String>, NavigableMap<Instant, Bucket>> seriesOf = new IdentityHashMap<>();
        for (GroupBucket b : buckets) {
            NavigableMap<Instant, Bucket> series = seriesOf.computeIfAbsent(b.group(), group -> matches(request.where(), group)
                    ? groups.computeIfAbsent(kept(request.groupBy(), group), k -> new TreeMap<>())
                    : FILTERED_OUT);
            if (series != FILTERED_OUT) {
                series.merge(b.start(), b.bucket(), Bucket::merge);
            }
        }
        // Groups in the order of their JSON, which escapes values so distinct groups never compare equal.
        record Ordered(String json, SortedMap<String, String> group, NavigableMap<Instant, Bucket> byStart) {
        }
        return groups.entrySet().stream().map(e -> new Ordered(Json.writeString(e.getKey()), e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(Ordered::json))
                .map(o -> new Series(o.group(), points(request, o.byStart()))).toList();
    }

    private static Points points(SeriesRequest request, NavigableMap<Instant, Bucket> byStart) {
        Points points = new Points(request.points(), request.zone(), request.agg());
        request.points().forEach(byStart, (ts, merged) -> points.add(merged));
        return points;
    }

    /** Whether a stored group passes the {@code where} filter: one of the accepted values for every field named. */
    public static boolean matches(Map<String, Set<String>> where, Map<String, String> group) {
        return where.entrySet().stream().allMatch(w -> w.getValue().contains(group.get(w.getKey())));
    }

    /** The group a stored group rolls up into: its values of the fields kept apart. */
    public static SortedMap<String, String> kept(List<String> groupBy, Map<String, String> group) {
        SortedMap<String, String> kept = new TreeMap<>();
        groupBy.forEach(field -> kept.put(field, group.get(field)));
        return kept;
    }
}
