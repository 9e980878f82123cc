package io.pulse.query.store;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hibernate.Session;

@ApplicationScoped
public class BucketRepository implements PanacheRepositoryBase<BucketRow, BucketRow.Key> {

    /**
     * Stores a batch of bucket values and moves the hour and day roll-ups they fall in by the difference, in one
     * statement: a bucket is stored unless a newer value is already (so replaying {@code aggregates}, or receiving an
     * update twice, changes nothing), and each stored bucket adds its new count, sum and late count less its old ones
     * to its hour and day and to the all-group totals of that hour and day, widens their min and max, and marks them
     * revised if it is. Only the changed
     * buckets are read, never the rest of their hour. Totals are changed in key order, so two instances sharing them
     * lock their rows in the same order and never deadlock.
     * Answers the roll-up units where a bucket's min rose or max fell: their extremes must be recomputed.
     */
    private static final String UPSERT_AND_ROLL_UP = """
            WITH input AS (
                SELECT metric, group_key, timestamptz 'epoch' + start_ms * interval '1 millisecond' AS bucket_start,
                       timestamptz 'epoch' + end_ms * interval '1 millisecond' AS bucket_end, event_count, value_sum,
                       value_min, value_max, is_final, timestamptz 'epoch' + updated_ms * interval '1 millisecond' AS updated_at,
                       late_count, distinct_sketch, quantile_sketch, revised
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[],
                            ?::float8[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[], ?::boolean[])
                     AS t(metric, group_key, start_ms, end_ms, event_count, value_sum, value_min, value_max, is_final,
                          updated_ms, late_count, distinct_sketch, quantile_sketch, revised)),
            old AS (
                SELECT b.metric, b.group_key, b.bucket_start, b.event_count, b.value_sum, b.value_min, b.value_max,
                       b.late_count
                FROM bucket b JOIN input i USING (metric, group_key, bucket_start)),
            stored AS (
                INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, event_count, value_sum, value_min,
                                    value_max, is_final, updated_at, late_count, distinct_sketch, quantile_sketch,
                                    revised)
                SELECT * FROM input
                ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                    bucket_end = EXCLUDED.bucket_end, event_count = EXCLUDED.event_count,
                    value_sum = EXCLUDED.value_sum, value_min = EXCLUDED.value_min,
                    value_max = EXCLUDED.value_max, is_final = EXCLUDED.is_final,
                    updated_at = EXCLUDED.updated_at, late_count = EXCLUDED.late_count,
                    distinct_sketch = EXCLUDED.distinct_sketch, quantile_sketch = EXCLUDED.quantile_sketch,
                    revised = EXCLUDED.revised
                WHERE bucket.updated_at <= EXCLUDED.updated_at
                RETURNING metric, group_key, bucket_start, event_count, value_sum, value_min, value_max, late_count,
                          revised),
            change AS (
                SELECT s.metric, s.group_key,
                       date_bin('1 hour', s.bucket_start, timestamptz 'epoch') AS hour,
                       date_bin('1 day', s.bucket_start, timestamptz 'epoch') AS day,
                       s.event_count - coalesce(o.event_count, 0) AS count_change,
                       s.value_sum - coalesce(o.value_sum, 0) AS sum_change, s.value_min, s.value_max,
                       s.late_count - coalesce(o.late_count, 0) AS late_change, s.revised,
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
                INSERT INTO %1$s (%2$s, bucket_start, event_count, value_sum, value_min, value_max, late_count, revised)
                SELECT %2$s, %3$s, sum(count_change), sum(sum_change), min(value_min), max(value_max),
                       sum(late_change), bool_or(revised)
                FROM change GROUP BY %2$s, %3$s ORDER BY %2$s, %3$s
                ON CONFLICT (%2$s, bucket_start) DO UPDATE SET
                    event_count = %1$s.event_count + EXCLUDED.event_count,
                    value_sum = %1$s.value_sum + EXCLUDED.value_sum,
                    value_min = least(%1$s.value_min, EXCLUDED.value_min),
                    value_max = greatest(%1$s.value_max, EXCLUDED.value_max),
                    late_count = %1$s.late_count + EXCLUDED.late_count,
                    revised = %1$s.revised OR EXCLUDED.revised""".formatted(table, keys, unit);
    }

    /** Sets a roll-up row to the totals of the rows beneath it, so recomputing it again changes nothing. */
    private static final String ROLL_UP_SET = """
            ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                event_count = EXCLUDED.event_count, value_sum = EXCLUDED.value_sum,
                value_min = EXCLUDED.value_min, value_max = EXCLUDED.value_max,
                late_count = EXCLUDED.late_count, revised = EXCLUDED.revised""";

    /** The roll-up columns of the rows beneath, summed. */
    private static final String ROLLED_UP = "sum(event_count), sum(value_sum), min(value_min), max(value_max), "
            + "sum(late_count), bool_or(revised)";

    /**
     * Stores a batch read from {@code aggregates} and moves the hour and day roll-ups it touches, in one transaction:
     * bucket values replace the stored ones (unless those are newer); then each revision not merged before is added to
     * its bucket, and remembered. A bucket's revisions are written after its values and read from the same partition
     * ({@link BucketUpdate}), so values first keeps their order. Several instances may share the partitions of
     * {@code aggregates} and store minutes of the same group and day at once; a lock per group and day makes each see
     * the other's stored values before it computes its differences. The buckets it changed or may have changed are
     * told to every instance's live subscribers when the transaction commits ({@link BucketChangeNotices}).
     */
    @Transactional
    public void store(List<BucketUpdate> updates) {
        List<BucketUpdate> values = latestPerBucket(updates.stream().filter(u -> !u.isRevision()).toList());
        List<BucketUpdate> revisions = updates.stream().filter(BucketUpdate::isRevision).toList();
        List<BucketUpdate> changed = new ArrayList<>(values);
        if (values.isEmpty() && revisions.isEmpty()) {
            return;
        }
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            List<BucketUpdate> all = new ArrayList<>(values);
            all.addAll(revisions);
            lock(connection, all);
            List<Unit> narrowed = new ArrayList<>(upsertAndRollUp(connection, values));
            if (!revisions.isEmpty()) {
                List<BucketUpdate> revised = revise(connection, revisions);
                narrowed.addAll(upsertAndRollUp(connection, revised));
                changed.addAll(revised);
            }
            BucketChangeNotices.send(connection, changed.stream().map(BucketUpdate::key).toList());
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

    /**
     * The buckets {@code revisions} change, each as its stored value with the revisions added that were not merged
     * before; those are recorded as merged. A revision of a bucket the store does not hold (history older than
     * anything stored) becomes the bucket.
     */
    private static List<BucketUpdate> revise(Connection connection, List<BucketUpdate> revisions) throws SQLException {
        Map<BucketKey, BucketUpdate> added = new LinkedHashMap<>();
        for (BucketUpdate revision : firstTimeMerged(connection, revisions)) {
            added.merge(revision.key(), revision, BucketRepository::addRevision);
        }
        if (added.isEmpty()) {
            return List.of();
        }
        Map<BucketKey, BucketUpdate> current = read(connection, added.keySet());
        List<BucketUpdate> revised = new ArrayList<>(added.size());
        for (BucketUpdate revision : added.values()) {
            BucketUpdate before = current.get(revision.key());
            revised.add(before == null ? asValue(revision) : addRevision(before, revision));
        }
        return revised;
    }

    /** {@code to} with the events of {@code revision}: final, as its bucket is, and as new as the newer of the two. */
    private static BucketUpdate addRevision(BucketUpdate to, BucketUpdate revision) {
        Instant updatedAt = to.updatedAt().isAfter(revision.updatedAt()) ? to.updatedAt() : revision.updatedAt();
        return new BucketUpdate(to.metric(), to.group(), to.start(), to.end(), to.bucket().merge(revision.bucket()),
                true, updatedAt, to.revision());
    }

    private static BucketUpdate asValue(BucketUpdate revision) {
        return new BucketUpdate(revision.metric(), revision.group(), revision.start(), revision.end(), revision.bucket(),
                true, revision.updatedAt());
    }

    /** Records the revisions as merged, answering those that were not already (each once). */
    private static List<BucketUpdate> firstTimeMerged(Connection connection, List<BucketUpdate> revisions)
            throws SQLException {
        Map<List<String>, BucketUpdate> byIdentity = new LinkedHashMap<>();
        for (BucketUpdate r : revisions) {
            byIdentity.putIfAbsent(identity(r.metric(), Json.writeString(r.group()), r.start(), r.revision()), r);
        }
        List<BucketUpdate> unique = List.copyOf(byIdentity.values());
        List<BucketUpdate> first = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("""
                INSERT INTO bucket_revision (metric, group_key, bucket_start, revision)
                SELECT metric, group_key, timestamptz 'epoch' + start_ms * interval '1 millisecond', revision
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) AS t(metric, group_key, start_ms, revision)
                ON CONFLICT DO NOTHING
                RETURNING metric, group_key, """ + BucketReader.START_MILLIS + ", revision")) {
            s.setArray(1, connection.createArrayOf("text", unique.stream().map(BucketUpdate::metric).toArray()));
            s.setArray(2, connection.createArrayOf("text", unique.stream().map(r -> Json.writeString(r.group())).toArray()));
            s.setArray(3, connection.createArrayOf("bigint", unique.stream().map(r -> r.start().toEpochMilli()).toArray()));
            s.setArray(4, connection.createArrayOf("text", unique.stream().map(BucketUpdate::revision).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    first.add(byIdentity.get(identity(rs.getString(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4))));
                }
            }
        }
        return first;
    }

    private static List<String> identity(String metric, String groupKey, Instant start, String revision) {
        return List.of(metric, groupKey, Long.toString(start.toEpochMilli()), revision);
    }

    /** The stored values of {@code keys}, those the store holds. */
    @SuppressWarnings("unchecked")
    private static Map<BucketKey, BucketUpdate> read(Connection connection, Collection<BucketKey> keys) throws SQLException {
        Map<BucketKey, BucketUpdate> rows = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT b.metric, b.group_key, k.start_ms, (date_part('epoch', b.bucket_end) * 1000)::bigint, b.event_count,
                       b.value_sum, b.value_min, b.value_max, b.distinct_sketch, b.quantile_sketch, b.late_count,
                       b.revised, b.is_final, (date_part('epoch', b.updated_at) * 1000)::bigint
                FROM unnest(?::text[], ?::text[], ?::bigint[]) AS k(metric, group_key, start_ms)
                JOIN bucket b ON b.metric = k.metric AND b.group_key = k.group_key
                             AND b.bucket_start = timestamptz 'epoch' + k.start_ms * interval '1 millisecond'
                """)) {
            s.setArray(1, connection.createArrayOf("text", keys.stream().map(BucketKey::metric).toArray()));
            s.setArray(2, connection.createArrayOf("text", keys.stream().map(k -> Json.writeString(k.group())).toArray()));
            s.setArray(3, connection.createArrayOf("bigint", keys.stream().map(k -> k.start().toEpochMilli()).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] distinct = rs.getBytes(9);
                    byte[] quantiles = rs.getBytes(10);
                    Bucket bucket = new Bucket(rs.getLong(5), rs.getDouble(6), BucketReader.nullableDouble(rs, 7),
                            BucketReader.nullableDouble(rs, 8), distinct == null ? null : DistinctSketch.fromBytes(distinct),
                            quantiles == null ? null : QuantileSketch.fromBytes(quantiles), rs.getLong(11),
                            rs.getBoolean(12));
                    BucketUpdate row = new BucketUpdate(rs.getString(1), Json.read(rs.getString(2), TreeMap.class),
                            Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)), bucket,
                            rs.getBoolean(13), Instant.ofEpochMilli(rs.getLong(14)));
                    rows.put(row.key(), row);
                }
            }
        }
        return rows;
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

    private static void lock(Connection connection, List<BucketUpdate> updates) throws SQLException {
        SortedSet<Long> keys = new TreeSet<>(); // always taken in the same order, so two batches never deadlock
        for (BucketUpdate u : updates) {
            long day = Rollup.DAY.floor(u.start()).getEpochSecond();
            keys.add(((long) (u.metric() + '\n' + Json.writeString(u.group())).hashCode() << 32) ^ day);
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(?::bigint[]) AS k")) {
            s.setArray(1, connection.createArrayOf("bigint", keys.toArray()));
            s.execute();
        }
    }

    private static List<Unit> upsertAndRollUp(Connection connection, List<BucketUpdate> updates) throws SQLException {
        int n = updates.size();
        if (n == 0) {
            return List.of();
        }
        Object[] groupKeys = new Object[n];
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
        Object[] reviseds = new Object[n];
        byte[][] distincts = new byte[n][];
        byte[][] quantiles = new byte[n][];
        for (int i = 0; i < n; i++) {
            BucketUpdate u = updates.get(i);
            metrics[i] = u.metric();
            groupKeys[i] = Json.writeString(u.group());
            starts[i] = u.start().toEpochMilli();
            ends[i] = u.end().toEpochMilli();
            counts[i] = u.bucket().count();
            sums[i] = u.bucket().sum();
            mins[i] = u.bucket().min();
            maxes[i] = u.bucket().max();
            finals[i] = u.isFinal();
            updatedAts[i] = u.updatedAt().toEpochMilli();
            lates[i] = u.bucket().late();
            reviseds[i] = u.bucket().revised();
            distincts[i] = u.bucket().distinct() == null ? null : u.bucket().distinct().toBytes();
            quantiles[i] = u.bucket().quantiles() == null ? null : u.bucket().quantiles().toBytes();
        }
        List<Unit> narrowed = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(UPSERT_AND_ROLL_UP)) {
            s.setArray(1, connection.createArrayOf("text", metrics));
            s.setArray(2, connection.createArrayOf("text", groupKeys));
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
            s.setArray(14, connection.createArrayOf("boolean", reviseds));
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
                INSERT INTO %1$s (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max,
                                  late_count, revised)
                SELECT u.metric, u.group_key, u.unit_start, sum(s.event_count), sum(s.value_sum), min(s.value_min),
                       max(s.value_max), sum(s.late_count), bool_or(s.revised)
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
                INSERT INTO %1$s (metric, bucket_start, event_count, value_sum, value_min, value_max, late_count, revised)
                SELECT metric, bucket_start, %3$s
                FROM %2$s WHERE metric = ? AND bucket_start = ? GROUP BY metric, bucket_start
                """.formatted(rollup.totals, rollup.table, ROLLED_UP))) {
            s.setString(1, metric);
            s.setObject(2, utc(start));
            s.executeUpdate();
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /**
     * Deletes a metric's buckets that start before {@code before}; answers how many. Roll-up and total rows wholly
     * before it go too, and those it cuts through are recomputed from what is left beneath them; so do the records of
     * the revisions merged into the deleted buckets.
     */
    public long deleteStartingBefore(String metric, Instant before) {
        long deleted = delete("metric = ?1 and start < ?2", metric, before);
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement s = connection.prepareStatement(
                    "DELETE FROM bucket_revision WHERE metric = ? AND bucket_start < ?")) {
                s.setString(1, metric);
                s.setObject(2, utc(before));
                s.executeUpdate();
            }
            for (Rollup rollup : Rollup.values()) { // hours first: days are recomputed from them
                try (PreparedStatement s = connection.prepareStatement(
                        "DELETE FROM " + rollup.table + " WHERE metric = ? AND bucket_start < ?")) {
                    s.setString(1, metric);
                    s.setObject(2, utc(before));
                    s.executeUpdate();
                }
                Instant cut = rollup.floor(before);
                try (PreparedStatement s = connection.prepareStatement("""
                        INSERT INTO %1$s (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max,
                                          late_count, revised)
                        SELECT metric, group_key, ?, %3$s
                        FROM %2$s WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?
                        GROUP BY metric, group_key
                        """.formatted(rollup.table, rollup.source, ROLLED_UP) + ROLL_UP_SET)) {
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
}
