package io.pulse.query.store;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the buckets a {@link SeriesRequest} draws on, doing in PostgreSQL what it can do exactly: it reads the
 * coarsest roll-up whose units never straddle a point, filters groups by key, rolls all groups into one when none
 * is asked for, and fetches sketches, min and max only for the aggregations that use them. The calculator then sees
 * fewer, larger buckets that merge to the same values.
 */
@ApplicationScoped
public class BucketReader {

    private static final String BUCKETS = "bucket";
    /** Most groups {@link #namedGroups} spells out; a larger filter (a wide bounding box) is resolved by a query. */
    static final int MAX_NAMED_GROUPS = 1000;
    /**
     * A bucket's start as epoch milliseconds: PostgreSQL computes it for less than pgjdbc takes to build a date-time.
     * {@code date_part} answers a double, {@code extract} (since PostgreSQL 14) a numeric, whose arithmetic cost about
     * three times as much per row (0.3 against 0.9 µs); bucket starts are whole milliseconds, far inside a double's
     * precision, and the cast to bigint rounds to the nearest.
     */
    static final String START_MILLIS = "(date_part('epoch', bucket_start) * 1000)::bigint";
    private static final SortedMap<String, String> ALL_GROUPS = Collections.unmodifiableSortedMap(new TreeMap<>());

    @Inject
    AnsweringConnections answers;

    public List<GroupBucket> read(SeriesRequest request) {
        return read(request, Long.MAX_VALUE);
    }

    /**
     * The buckets of {@code request}, if they are of at most {@code maxGroups} stored groups; else, before any bucket
     * is read, a {@link TooManyGroupsException}.
     */
    public List<GroupBucket> read(SeriesRequest request, long maxGroups) {
        Optional<Rollup> rollup = coarsest(request);
        String table = rollup.map(r -> r.table).orElse(BUCKETS);
        boolean sketches = needsSketches(request.agg());
        try (Connection connection = answers.get()) {
            List<String> groupKeys = null;
            if (!request.where().isEmpty()) {
                groupKeys = namedGroups(request).orElse(null);
                if (groupKeys == null) {
                    groupKeys = matchingGroups(connection, request);
                }
                if (groupKeys.isEmpty()) {
                    return List.of();
                }
                if (groupKeys.size() > maxGroups) {
                    throw new TooManyGroupsException(maxGroups);
                }
            } else if (maxGroups < Long.MAX_VALUE && storedGroups(connection, request, maxGroups + 1) > maxGroups) {
                throw new TooManyGroupsException(maxGroups);
            }
            if (request.groupBy().isEmpty() && request.where().isEmpty() && !sketches) {
                return rollup.isPresent() ? totals(connection, request, rollup.get()) : rolledUp(connection, request, table);
            }
            return perGroup(connection, request, table, groupKeys, sketches);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the buckets of " + request.metric().name(), e);
        }
    }

    /** A question would read the buckets of more stored groups than it may. */
    public static final class TooManyGroupsException extends RuntimeException {

        TooManyGroupsException(long limit) {
            super("more than " + limit + " stored groups", null, false, false);
        }
    }

    /**
     * How many stored groups have buckets in the request's range, counting no further than {@code atMost}: each has a
     * row in the day roll-ups, far fewer than its buckets, and no more than {@code atMost} groups are returned.
     */
    static long storedGroups(Connection connection, SeriesRequest request, long atMost) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM (SELECT DISTINCT group_key FROM "
                + Rollup.DAY.table + " WHERE metric = ? AND bucket_start >= ? AND bucket_start < ? LIMIT ?) g")) {
            s.setString(1, request.metric().name());
            s.setObject(2, utc(Rollup.DAY.floor(request.firstBucket())));
            s.setObject(3, utc(request.endOfBuckets()));
            s.setLong(4, atMost);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The first and last bucket start of a metric, if it has any. */
    public Optional<Instant[]> span(String metric) {
        try (Connection connection = answers.get();
             PreparedStatement s = connection.prepareStatement(
                     "SELECT min(bucket_start), max(bucket_start) FROM bucket WHERE metric = ?")) {
            s.setString(1, metric);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                OffsetDateTime first = rs.getObject(1, OffsetDateTime.class);
                OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
                return first == null ? Optional.empty() : Optional.of(new Instant[] {first.toInstant(), last.toInstant()});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the span of " + metric, e);
        }
    }

    /** A stored bucket of one group, and whether it is final. */
    public record Stored(GroupBucket bucket, boolean isFinal) {
    }

    /** The metric's buckets starting in {@code [from, to)}, oldest first, with their sketches. */
    public List<Stored> between(String metric, Instant from, Instant to) {
        List<Stored> rows = new ArrayList<>();
        Map<String, SortedMap<String, String>> groups = new HashMap<>();
        try (Connection connection = answers.get();
             PreparedStatement s = connection.prepareStatement("SELECT group_key, " + START_MILLIS
                     + ", event_count, value_sum, value_min, value_max, distinct_sketch, quantile_sketch, late_count, "
                     + "revised, is_final FROM bucket WHERE metric = ? AND bucket_start >= ? AND bucket_start < ? "
                     + "ORDER BY bucket_start")) {
            s.setString(1, metric);
            s.setObject(2, utc(from));
            s.setObject(3, utc(to));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] distinct = rs.getBytes(7);
                    byte[] quantiles = rs.getBytes(8);
                    Bucket bucket = new Bucket(rs.getLong(3), rs.getDouble(4), nullableDouble(rs, 5),
                            nullableDouble(rs, 6), distinct == null ? null : DistinctSketch.fromBytes(distinct),
                            quantiles == null ? null : QuantileSketch.fromBytes(quantiles), rs.getLong(9),
                            rs.getBoolean(10));
                    rows.add(new Stored(new GroupBucket(groups.computeIfAbsent(rs.getString(1), BucketReader::group),
                            Instant.ofEpochMilli(rs.getLong(2)), bucket), rs.getBoolean(11)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the buckets of " + metric, e);
        }
        return rows;
    }

    /** The events the metric's buckets hold, and how many of them came late: {@code [events, late]}. */
    public long[] totals(String metric) {
        try (Connection connection = answers.get();
             PreparedStatement s = connection.prepareStatement("SELECT coalesce(sum(event_count), 0), "
                     + "coalesce(sum(late_count), 0) FROM " + Rollup.DAY.totals + " WHERE metric = ?")) {
            s.setString(1, metric);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the totals of " + metric, e);
        }
    }

    /**
     * The coarsest roll-up whose units each fall wholly inside or outside every point's span: the unit is a multiple
     * of the granularity and every span a point covers starts and ends on a unit boundary.
     * Distinct counts and quantiles need the buckets' sketches, which are not rolled up.
     */
    static Optional<Rollup> coarsest(SeriesRequest request) {
        if (needsSketches(request.agg())) {
            return Optional.empty();
        }
        long granularity = request.metric().granularity().toMillis();
        for (Rollup rollup : List.of(Rollup.DAY, Rollup.HOUR)) {
            long unit = rollup.unit.toMillis();
            if (unit > granularity && unit % granularity == 0 && request.coversWhole(unit)) {
                return Optional.of(rollup);
            }
        }
        return Optional.empty();
    }

    static boolean needsSketches(Aggregation agg) {
        return agg.kind() == Aggregation.Kind.DISTINCT || agg.kind() == Aggregation.Kind.QUANTILE;
    }

    /**
     * Whether {@code agg} reads the buckets' min and max; the others leave them out (null), which spares two columns
     * and two boxed doubles per row.
     */
    static boolean needsExtremes(Aggregation agg) {
        return agg.kind() == Aggregation.Kind.MIN || agg.kind() == Aggregation.Kind.MAX;
    }

    /**
     * The keys of the groups {@code where} names when it gives values for every group field (a dashboard's "this
     * client"): known without a query, so such a question costs one round trip instead of two. Empty when some
     * field is left open or the values combine into more than {@link #MAX_NAMED_GROUPS} groups.
     */
    static Optional<List<String>> namedGroups(SeriesRequest request) {
        List<SortedMap<String, String>> groups = List.of(new TreeMap<>());
        for (String field : request.metric().groupBy()) {
            Set<String> values = request.where().get(field);
            if (values == null || (long) groups.size() * values.size() > MAX_NAMED_GROUPS) {
                return Optional.empty();
            }
            List<SortedMap<String, String>> wider = new ArrayList<>();
            for (SortedMap<String, String> group : groups) {
                for (String value : values) {
                    SortedMap<String, String> g = new TreeMap<>(group);
                    g.put(field, value);
                    wider.add(g);
                }
            }
            groups = wider;
        }
        // the stored key is this JSON of the group (BucketRepository), so equal groups give equal keys
        return Optional.of(groups.stream().map(Json::writeString).toList());
    }

    /**
     * The keys of the groups with buckets in the range that pass {@code where}, found among the daily roll-ups:
     * a group with a bucket in the range has a day row in it, and there are far fewer of those.
     */
    static List<String> matchingGroups(Connection connection, SeriesRequest request) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT DISTINCT group_key FROM " + Rollup.DAY.table
                + " WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?")) {
            s.setString(1, request.metric().name());
            s.setObject(2, utc(Rollup.DAY.floor(request.firstBucket())));
            s.setObject(3, utc(request.endOfBuckets()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    if (SeriesCalculator.matches(request.where(), group(key))) {
                        keys.add(key);
                    }
                }
            }
        }
        return keys;
    }

    /** The all-group totals of a roll-up: one row per unit, for a request that keeps no group apart. */
    private static List<GroupBucket> totals(Connection connection, SeriesRequest request, Rollup rollup) throws SQLException {
        return allGroups(connection, request, "SELECT " + START_MILLIS + ", event_count, value_sum, late_count, revised"
                + (needsExtremes(request.agg()) ? ", value_min, value_max" : "") + " FROM " + rollup.totals
                + " WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?");
    }

    /** Every group of every bucket start merged in SQL: one row per start, for a request that keeps no group apart. */
    private static List<GroupBucket> rolledUp(Connection connection, SeriesRequest request, String table) throws SQLException {
        return allGroups(connection, request, "SELECT " + START_MILLIS
                + ", sum(event_count), sum(value_sum), sum(late_count), bool_or(revised)" + (needsExtremes(request.agg()) ? ", min(value_min), max(value_max)" : "") + " FROM " + table
                + " WHERE metric = ? AND bucket_start >= ? AND bucket_start < ? GROUP BY bucket_start");
    }

    /**
     * Runs {@code sql} (start, count, sum, late count, revised, and min, max if needed, over the request's range) into
     * buckets of all groups.
     */
    private static List<GroupBucket> allGroups(Connection connection, SeriesRequest request, String sql) throws SQLException {
        boolean extremes = needsExtremes(request.agg());
        List<GroupBucket> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bindRange(s, request);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new GroupBucket(ALL_GROUPS, Instant.ofEpochMilli(rs.getLong(1)), new Bucket(rs.getLong(2),
                            rs.getDouble(3), extremes ? nullableDouble(rs, 6) : null, extremes ? nullableDouble(rs, 7) : null,
                            null, null, rs.getLong(4), rs.getBoolean(5))));
                }
            }
        }
        return rows;
    }

    private static List<GroupBucket> perGroup(Connection connection, SeriesRequest request, String table,
                                              List<String> groupKeys, boolean sketches) throws SQLException {
        // One group asked for (a dashboard's "this client"): its key is known, so rows need not carry it
        SortedMap<String, String> onlyGroup = groupKeys != null && groupKeys.size() == 1 ? group(groupKeys.get(0)) : null;
        boolean extremes = needsExtremes(request.agg());
        String sql = "SELECT " + (onlyGroup == null ? "group_key, " : "") + START_MILLIS
                + ", event_count, value_sum, late_count, revised"
                + (extremes ? ", value_min, value_max" : "") + (sketches ? ", distinct_sketch, quantile_sketch" : "")
                + " FROM " + table + " WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?"
                // no ORDER BY: it would tempt the planner into the (metric, bucket_start) index, reading every
                // group's rows to keep a few, where the primary key finds just the filtered groups' rows
                + (groupKeys == null ? "" : " AND group_key = ANY (?)");
        List<GroupBucket> rows = new ArrayList<>();
        Map<String, SortedMap<String, String>> groups = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bindRange(s, request);
            if (groupKeys != null) {
                s.setArray(4, connection.createArrayOf("text", groupKeys.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int column = 1;
                    SortedMap<String, String> group = onlyGroup != null ? onlyGroup
                            : groups.computeIfAbsent(rs.getString(column++), BucketReader::group);
                    Instant start = Instant.ofEpochMilli(rs.getLong(column++));
                    long count = rs.getLong(column++);
                    double sum = rs.getDouble(column++);
                    long late = rs.getLong(column++);
                    boolean revised = rs.getBoolean(column++);
                    Double min = extremes ? nullableDouble(rs, column++) : null;
                    Double max = extremes ? nullableDouble(rs, column++) : null;
                    byte[] distinct = sketches ? rs.getBytes(column++) : null;
                    byte[] quantiles = sketches ? rs.getBytes(column) : null;
                    rows.add(new GroupBucket(group, start, new Bucket(count, sum, min, max,
                            distinct == null ? null : DistinctSketch.fromBytes(distinct),
                            quantiles == null ? null : QuantileSketch.fromBytes(quantiles), late, revised)));
                }
            }
        }
        return rows;
    }

    private static void bindRange(PreparedStatement s, SeriesRequest request) throws SQLException {
        s.setString(1, request.metric().name());
        s.setObject(2, utc(request.firstBucket()));
        s.setObject(3, utc(request.endOfBuckets()));
    }

    @SuppressWarnings("unchecked")
    private static SortedMap<String, String> group(String groupKey) {
        return Json.read(groupKey, TreeMap.class);
    }

    static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
