package io.pulse.query.store;

import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import org.hibernate.query.TypedParameterValue;
import org.hibernate.type.StandardBasicTypes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class BucketRepository implements PanacheRepositoryBase<BucketRow, BucketRow.Key> {

    /** Stores a batch of bucket values in one transaction. */
    @Transactional
    public void upsertAll(List<BucketUpdate> updates) {
        updates.forEach(this::upsert);
    }

    /**
     * Stores a bucket's value unless a newer one is already stored. Replaying {@code aggregates}, or receiving an
     * update twice, therefore changes nothing.
     */
    public void upsert(BucketUpdate u) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, event_count, value_sum,
                                            value_min, value_max, is_final, updated_at, late_count, distinct_sketch,
                                            quantile_sketch)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                        ON CONFLICT (metric, group_key, bucket_start) DO UPDATE SET
                            bucket_end = EXCLUDED.bucket_end, event_count = EXCLUDED.event_count,
                            value_sum = EXCLUDED.value_sum, value_min = EXCLUDED.value_min,
                            value_max = EXCLUDED.value_max, is_final = EXCLUDED.is_final,
                            updated_at = EXCLUDED.updated_at, late_count = EXCLUDED.late_count,
                            distinct_sketch = EXCLUDED.distinct_sketch, quantile_sketch = EXCLUDED.quantile_sketch
                        WHERE bucket.updated_at <= EXCLUDED.updated_at""")
                .setParameter(1, u.metric())
                .setParameter(2, Json.writeString(u.group()))
                .setParameter(3, Timestamp.from(u.start()))
                .setParameter(4, Timestamp.from(u.end()))
                .setParameter(5, u.bucket().count())
                .setParameter(6, u.bucket().sum())
                .setParameter(7, u.bucket().min())
                .setParameter(8, u.bucket().max())
                .setParameter(9, u.isFinal())
                .setParameter(10, Timestamp.from(u.updatedAt()))
                .setParameter(11, u.late())
                .setParameter(12, bytes(u.bucket().distinct() == null ? null : u.bucket().distinct().toBytes()))
                .setParameter(13, bytes(u.bucket().quantiles() == null ? null : u.bucket().quantiles().toBytes()))
                .executeUpdate();
    }

    /** A bytea parameter, typed even when null so PostgreSQL does not guess. */
    private static TypedParameterValue<byte[]> bytes(byte[] value) {
        return new TypedParameterValue<>(StandardBasicTypes.BINARY, value);
    }

    /** The metric's buckets starting in {@code [from, to)}, oldest first. */
    public List<BucketRow> between(String metric, Instant from, Instant to) {
        return list("metric = ?1 and start >= ?2 and start < ?3 order by start", metric, from, to);
    }

    /** Deletes a metric's buckets that start before {@code before}; answers how many. */
    public long deleteStartingBefore(String metric, Instant before) {
        return delete("metric = ?1 and start < ?2", metric, before);
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
