package io.pulse.query.store;

import io.pulse.common.bucket.BucketKey;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hibernate.Session;

@ApplicationScoped
public class BucketRepository implements PanacheRepositoryBase<BucketRow, BucketRow.Key> {

    /**
     * Stores a batch of bucket values and moves the hour and day roll-ups they fall in by the difference, in one
     * statement: a bucket is stored unless a newer value is already (so replaying {@code aggregates}, or receiving an
     * update twice, changes nothing), and each stored bucket adds its new count and sum less its old ones to its hour
     * and day and to the all-group totals of that hour and day, and widens their min and max. Only the changed
     * buckets are read, never the rest of their hour. Totals are changed in key order, so two instances sharing them
     * lock their rows in the same order and never deadlock.
     * Answers the roll-up units where a bucket's min rose or max fell: their extremes must be recomputed.
     */
    private static final String UPSERT_AND_ROLL_UP = """
            WITH input AS (
                SELECT metric, group_key, timestamptz 'epoch' + start_ms * interval '1 millisecond' AS bucket_start,
                       timestamptz 'epoch' + end_ms * interval '1 millisecond' AS bucket_end, event_count, value_sum,
                       value_min, value_max, is_final, timestamptz 'epoch' + updated_ms * interval '1 millisecond' AS updated_at,
                       late_count, distinct_sketch, quantile_sketch
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[],
                            ?::float8[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[])
                     AS t(metric, group_key, start_ms, end_ms, event_count, value_sum, value_min, value_max, is_final,
                          updated_ms, late_count, distinct_sketch, quantile_sketch)),
            old AS (
                SELECT b.metric, b.group_key, b.bucket_start, b.event_count, b.value_sum, b.value_min, b.value_max
                FROM bucket b JOIN input i USING (metric, group_key, bucket_start)),
            stored AS (
                INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, event_count, value_sum, value_min,
                                    value_max, is_final, updated_at, late_count, distinct_sketch, quantile_sketch)
                SELECT * FROM input
                ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                    bucket_end = EXCLUDED.bucket_end, event_count = EXCLUDED.event_count,
                    value_sum = EXCLUDED.value_sum, value_min = EXCLUDED.value_min,
                    value_max = EXCLUDED.value_max, is_final = EXCLUDED.is_final,
                    updated_at = EXCLUDED.updated_at, late_count = EXCLUDED.late_count,
                    distinct_sketch = EXCLUDED.distinct_sketch, quantile_sketch = EXCLUDED.quantile_sketch
                WHERE bucket.updated_at <= EXCLUDED.updated_at
                RETURNING metric, group_key, bucket_start, event_count, value_sum, value_min, value_max),
            change AS (
                SELECT s.metric, s.group_key,
                       date_bin('1 hour', s.bucket_start, timestamptz 'epoch') AS hour,
                       date_bin('1 day', s.bucket_start, timestamptz 'epoch') AS day,
                       s.event_count - coalesce(o.event_count, 0) AS count_change,
                       s.value_sum - coalesce(o.value_sum, 0) AS sum_change, s.value_min, s.value_max,
                       o.value_min < s.value_min OR o.value_max > s.value_max
                           OR (o.value_min IS NOT NULL AND s.value_min IS NULL) AS narrowed
                FROM stored s LEFT JOIN old o USING (metric, group_key, bucket_start)),
            hours AS (%s),
            days AS (%s),
            hour_totals AS (%s),
            day_totals AS (%s)
            SELECT DISTINCT metric, group_key, extract(epoch FROM hour)::bigint FROM change WHERE narrowed
            """.formatted(addChange(Rollup.HOUR.table, "metric, group_key", "hour"),
            addChange(Rollup.DAY.table, "metric, group_key", "day"),
            addChange(Rollup.HOUR.totals, "metric", "hour"), addChange(Rollup.DAY.totals, "metric", "day"));

    /** Adds the changes of {@code unit} (hour or day) to the rows of {@code table} keyed by {@code keys} and unit. */
    private static String addChange(String table, String keys, String unit) {
        return """
                INSERT INTO %1$s (%2$s, bucket_start, event_count, value_sum, value_min, value_max)
                SELECT %2$s, %3$s, sum(count_change), sum(sum_change), min(value_min), max(value_max)
                FROM change GROUP BY %2$s, %3$s ORDER BY %2$s, %3$s
                ON CONFLICT (%2$s, bucket_start) DO UPDATE SET
                    event_count = %1$s.event_count + EXCLUDED.event_count,
                    value_sum = %1$s.value_sum + EXCLUDED.value_sum,
                    value_min = least(%1$s.value_min, EXCLUDED.value_min),
                    value_max = greatest(%1$s.value_max, EXCLUDED.value_max)""".formatted(table, keys, unit);
    }

    /** Sets a roll-up row to the totals of the rows beneath it, so recomputing it again changes nothing. */
    private static final String ROLL_UP_SET = """
            ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                event_count = EXCLUDED.event_count, value_sum = EXCLUDED.value_sum,
                value_min = EXCLUDED.value_min, value_max = EXCLUDED.value_max""";

    /**
     * Stores a batch of bucket values and moves the hour and day roll-ups they fall in, in one transaction. Several
     * instances may share the partitions of {@code aggregates} and store minutes of the same group and day at once; a
     * lock per group and day makes each see the other's stored values before it computes its differences.
     */
    @Transactional
    public void upsertAll(List<BucketUpdate> updates) {
        List<BucketUpdate> latest = latestPerBucket(updates);
        if (latest.isEmpty()) {
            return;
        }
        List<String> groupKeys = latest.stream().map(u -> Json.writeString(u.group())).toList();
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            lock(connection, latest, groupKeys);
            List<Unit> narrowed = upsertAndRollUp(connection, latest, groupKeys);
            if (!narrowed.isEmpty()) { // hours first: days are recomputed from them
                refresh(connection, Rollup.HOUR, narrowed);
                refresh(connection, Rollup.DAY, narrowed.stream()
                        .map(u -> new Unit(u.metric(), u.groupKey(), Rollup.DAY.floor(u.start()))).distinct().toList());
                for (Rollup rollup : Rollup.values()) {
                    for (TotalUnit t : narrowed.stream().map(u -> new TotalUnit(u.metric(), rollup.floor(u.start())))
                            .distinct().toList()) {
                        refreshTotal(connection, rollup, t.metric(), t.start());
                    }
                }
            }
        });
    }

    /** One roll-up row: a group of a metric over the hour or day from {@code start}. */
    private record Unit(String metric, String groupKey, Instant start) {
    }

    /** One all-group total: a metric over the hour or day from {@code start}. */
    private record TotalUnit(String metric, Instant start) {
    }

    /**
     * One value per bucket, the one the upsert would keep (the newest; the later of two equally new), since one
     * statement may not change a row twice.
     */
    private static List<BucketUpdate> latestPerBucket(List<BucketUpdate> updates) {
        Map<BucketKey, BucketUpdate> latest = new LinkedHashMap<>();
        for (BucketUpdate u : updates) {
            latest.merge(u.key(), u, (a, b) -> b.updatedAt().isBefore(a.updatedAt()) ? a : b);
        }
        return List.copyOf(latest.values());
    }

    private static void lock(Connection connection, List<BucketUpdate> updates, List<String> groupKeys) throws SQLException {
        SortedSet<Long> keys = new TreeSet<>(); // always taken in the same order, so two batches never deadlock
        for (int i = 0; i < updates.size(); i++) {
            long day = Rollup.DAY.floor(updates.get(i).start()).getEpochSecond();
            keys.add(((long) (updates.get(i).metric() + '\n' + groupKeys.get(i)).hashCode() << 32) ^ day);
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(?::bigint[]) AS k")) {
            s.setArray(1, connection.createArrayOf("bigint", keys.toArray()));
            s.execute();
        }
    }

    private static List<Unit> upsertAndRollUp(Connection connection, List<BucketUpdate> updates, List<String> groupKeys)
            throws SQLException {
        int n = updates.size();
        Object[] metrics = new Object[n];
        Object[] starts = new Object[n];
        Object[] ends = new Object[n];
        Object[] counts = new Object[n];
        Object[] sums = new Object[n];
        Object[] mins = new Object[n];
        Object[] maxes = new Object[n];
        Object[] finals = new Object[n];
        Object[] updatedAts = new Object[n];
        Object[] lates = new Object[n];
        byte[][] distincts = new byte[n][];
        byte[][] quantiles = new byte[n][];
        for (int i = 0; i < n; i++) {
            BucketUpdate u = updates.get(i);
            metrics[i] = u.metric();
            starts[i] = u.start().toEpochMilli();
            ends[i] = u.end().toEpochMilli();
            counts[i] = u.bucket().count();
            sums[i] = u.bucket().sum();
            mins[i] = u.bucket().min();
            maxes[i] = u.bucket().max();
            finals[i] = u.isFinal();
            updatedAts[i] = u.updatedAt().toEpochMilli();
            lates[i] = u.late();
            distincts[i] = u.bucket().distinct() == null ? null : u.bucket().distinct().toBytes();
            quantiles[i] = u.bucket().quantiles() == null ? null : u.bucket().quantiles().toBytes();
        }
        List<Unit> narrowed = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(UPSERT_AND_ROLL_UP)) {
            s.setArray(1, connection.createArrayOf("text", metrics));
            s.setArray(2, connection.createArrayOf("text", groupKeys.toArray()));
            s.setArray(3, connection.createArrayOf("bigint", starts));
            s.setArray(4, connection.createArrayOf("bigint", ends));
            s.setArray(5, connection.createArrayOf("bigint", counts));
            s.setArray(6, connection.createArrayOf("float8", sums));
            s.setArray(7, connection.createArrayOf("float8", mins));
            s.setArray(8, connection.createArrayOf("float8", maxes));
            s.setArray(9, connection.createArrayOf("boolean", finals));
            s.setArray(10, connection.createArrayOf("bigint", updatedAts));
            s.setArray(11, connection.createArrayOf("bigint", lates));
            s.setArray(12, connection.createArrayOf("bytea", distincts));
            s.setArray(13, connection.createArrayOf("bytea", quantiles));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    narrowed.add(new Unit(rs.getString(1), rs.getString(2), Instant.ofEpochSecond(rs.getLong(3))));
                }
            }
        }
        return narrowed;
    }

    /** Recomputes the rows of {@code rollup} for {@code units} from the table beneath it. */
    private static void refresh(Connection connection, Rollup rollup, List<Unit> units) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                INSERT INTO %1$s (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max)
                SELECT u.metric, u.group_key, u.unit_start,
                       sum(s.event_count), sum(s.value_sum), min(s.value_min), max(s.value_max)
                FROM (SELECT metric, group_key, to_timestamp(seconds) AS unit_start
                      FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t(metric, group_key, seconds)) u
                JOIN %2$s s ON s.metric = u.metric AND s.group_key = u.group_key
                           AND s.bucket_start >= u.unit_start AND s.bucket_start < u.unit_start + ? * interval '1 second'
                GROUP BY u.metric, u.group_key, u.unit_start
                """.formatted(rollup.table, rollup.source) + ROLL_UP_SET)) {
            s.setArray(1, connection.createArrayOf("text", units.stream().map(Unit::metric).toArray()));
            s.setArray(2, connection.createArrayOf("text", units.stream().map(Unit::groupKey).toArray()));
            s.setArray(3, connection.createArrayOf("bigint", units.stream().map(u -> u.start().getEpochSecond()).toArray()));
            s.setLong(4, rollup.unit.toSeconds());
            s.executeUpdate();
        }
    }

    /** Recomputes the all-group total of {@code metric} over the unit from {@code start} from its groups' rows. */
    private static void refreshTotal(Connection connection, Rollup rollup, String metric, Instant start) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM " + rollup.totals
                + " WHERE metric = ? AND bucket_start = ?")) {
            s.setString(1, metric);
            s.setObject(2, utc(start));
            s.executeUpdate();
        }
        try (PreparedStatement s = connection.prepareStatement("""
                INSERT INTO %1$s (metric, bucket_start, event_count, value_sum, value_min, value_max)
                SELECT metric, bucket_start, sum(event_count), sum(value_sum), min(value_min), max(value_max)
                FROM %2$s WHERE metric = ? AND bucket_start = ? GROUP BY metric, bucket_start
                """.formatted(rollup.totals, rollup.table))) {
            s.setString(1, metric);
            s.setObject(2, utc(start));
            s.executeUpdate();
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /** The metric's buckets starting in {@code [from, to)}, oldest first. */
    public List<BucketRow> between(String metric, Instant from, Instant to) {
        return list("metric = ?1 and start >= ?2 and start < ?3 order by start", metric, from, to);
    }

    /**
     * Deletes a metric's buckets that start before {@code before}; answers how many. Roll-up and total rows wholly
     * before it go too, and those it cuts through are recomputed from what is left beneath them.
     */
    public long deleteStartingBefore(String metric, Instant before) {
        long deleted = delete("metric = ?1 and start < ?2", metric, before);
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            for (Rollup rollup : Rollup.values()) { // hours first: days are recomputed from them
                try (PreparedStatement s = connection.prepareStatement(
                        "DELETE FROM " + rollup.table + " WHERE metric = ? AND bucket_start < ?")) {
                    s.setString(1, metric);
                    s.setObject(2, utc(before));
                    s.executeUpdate();
                }
                Instant cut = rollup.floor(before);
                try (PreparedStatement s = connection.prepareStatement("""
                        INSERT INTO %1$s (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max)
                        SELECT metric, group_key, ?, sum(event_count), sum(value_sum), min(value_min), max(value_max)
                        FROM %2$s WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?
                        GROUP BY metric, group_key
                        """.formatted(rollup.table, rollup.source) + ROLL_UP_SET)) {
                    s.setObject(1, utc(cut));
                    s.setString(2, metric);
                    s.setObject(3, utc(cut));
                    s.setObject(4, utc(cut.plus(rollup.unit)));
                    s.executeUpdate();
                }
                try (PreparedStatement s = connection.prepareStatement(
                        "DELETE FROM " + rollup.totals + " WHERE metric = ? AND bucket_start < ?")) {
                    s.setString(1, metric);
                    s.setObject(2, utc(cut));
                    s.executeUpdate();
                }
                refreshTotal(connection, rollup, metric, cut);
            }
        });
        return deleted;
    }

    /** The first and last bucket start of a metric, if it has any. */
    public Optional<Instant[]> span(String metric) {
        Tuple t = getEntityManager().createQuery(
                        "select min(b.start) as first, max(b.start) as last from BucketRow b where b.metric = ?1", Tuple.class)
                .setParameter(1, metric).getSingleResult();
        Instant first = t.get("first", Instant.class);
        return first == null ? Optional.empty() : Optional.of(new Instant[] {first, t.get("last", Instant.class)});
    }
}
