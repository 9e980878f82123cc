package io.pulse.query.store;

import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hibernate.Session;

@ApplicationScoped
public class BucketRepository implements PanacheRepositoryBase<BucketRow, BucketRow.Key> {

    /**
     * Stores a bucket's value unless a newer one is already stored. Replaying {@code aggregates}, or receiving an
     * update twice, therefore changes nothing.
     */
    private static final String UPSERT = """
            INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, event_count, value_sum, value_min,
                                value_max, is_final, updated_at, late_count, distinct_sketch, quantile_sketch)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                bucket_end = EXCLUDED.bucket_end, event_count = EXCLUDED.event_count,
                value_sum = EXCLUDED.value_sum, value_min = EXCLUDED.value_min,
                value_max = EXCLUDED.value_max, is_final = EXCLUDED.is_final,
                updated_at = EXCLUDED.updated_at, late_count = EXCLUDED.late_count,
                distinct_sketch = EXCLUDED.distinct_sketch, quantile_sketch = EXCLUDED.quantile_sketch
            WHERE bucket.updated_at <= EXCLUDED.updated_at""";

    /** Sets a roll-up row to the totals of the rows beneath it, so recomputing it again changes nothing. */
    private static final String ROLL_UP_SET = """
            ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                event_count = EXCLUDED.event_count, value_sum = EXCLUDED.value_sum,
                value_min = EXCLUDED.value_min, value_max = EXCLUDED.value_max""";

    /**
     * Stores a batch of bucket values and recomputes the hour and day roll-ups they fall in, in one transaction.
     * Several instances may share the partitions of {@code aggregates} and store minutes of the same group and day at
     * once; a lock per group and day makes each recompute see the other's minutes rather than overwrite them.
     */
    @Transactional
    public void upsertAll(List<BucketUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        List<String> groupKeys = updates.stream().map(u -> Json.writeString(u.group())).toList();
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            lock(connection, updates, groupKeys);
            upsertBuckets(connection, updates, groupKeys);
            for (Rollup rollup : Rollup.values()) {
                refresh(connection, rollup, updates, groupKeys);
            }
        });
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

    private static void upsertBuckets(Connection connection, List<BucketUpdate> updates, List<String> groupKeys)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(UPSERT)) {
            for (int i = 0; i < updates.size(); i++) {
                BucketUpdate u = updates.get(i);
                s.setString(1, u.metric());
                s.setString(2, groupKeys.get(i));
                s.setObject(3, utc(u.start()));
                s.setObject(4, utc(u.end()));
                s.setLong(5, u.bucket().count());
                s.setDouble(6, u.bucket().sum());
                s.setObject(7, u.bucket().min(), Types.DOUBLE);
                s.setObject(8, u.bucket().max(), Types.DOUBLE);
                s.setBoolean(9, u.isFinal());
                s.setObject(10, utc(u.updatedAt()));
                s.setLong(11, u.late());
                s.setBytes(12, u.bucket().distinct() == null ? null : u.bucket().distinct().toBytes());
                s.setBytes(13, u.bucket().quantiles() == null ? null : u.bucket().quantiles().toBytes());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Recomputes the rows of {@code rollup} that hold any of the updated buckets from the table beneath it. */
    private static void refresh(Connection connection, Rollup rollup, List<BucketUpdate> updates, List<String> groupKeys)
            throws SQLException {
        record Unit(String metric, String groupKey, long start) {
        }
        Set<Unit> units = new LinkedHashSet<>();
        for (int i = 0; i < updates.size(); i++) {
            units.add(new Unit(updates.get(i).metric(), groupKeys.get(i), rollup.floor(updates.get(i).start()).getEpochSecond()));
        }
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
            s.setArray(3, connection.createArrayOf("bigint", units.stream().map(Unit::start).toArray()));
            s.setLong(4, rollup.unit.toSeconds());
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
     * Deletes a metric's buckets that start before {@code before}; answers how many. Roll-up rows wholly before it
     * go too, and the one it cuts through is recomputed from what is left beneath it.
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
