package io.pulse.query.store;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.pulse.query.series.GroupBucket;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.TreeMap;

/** A stored bucket; read through Panache, written only by {@link BucketRepository#store}. */
@Entity
@Table(name = "bucket")
@IdClass(BucketRow.Key.class)
public class BucketRow extends PanacheEntityBase {

    @Id
    public String metric;

    @Id
    @Column(name = "group_key")
    public String groupKey;

    @Id
    @Column(name = "bucket_start")
    public Instant start;

    @Column(name = "bucket_end")
    public Instant end;

    @Column(name = "event_count")
    public long count;

    @Column(name = "value_sum")
    public double sum;

    @Column(name = "value_min")
    public Double min;

    @Column(name = "value_max")
    public Double max;

    /** How many of its events arrived after it was final. */
    @Column(name = "late_count")
    public long late;

    /** Whether it changed after it became final. */
    public boolean revised;

    /** {@link io.pulse.common.bucket.DistinctSketch} bytes, for metrics counting distinct values. */
    @Column(name = "distinct_sketch")
    public byte[] distinctSketch;

    /** {@link io.pulse.common.bucket.QuantileSketch} bytes, for metrics keeping quantiles. */
    @Column(name = "quantile_sketch")
    public byte[] quantileSketch;

    @Column(name = "is_final")
    public boolean isFinal;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The primary key: one bucket of one group of one metric. */
    public static class Key implements Serializable {
        public String metric;
        public String groupKey;
        public Instant start;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(metric, k.metric) && Objects.equals(groupKey, k.groupKey)
                    && Objects.equals(start, k.start);
        }

        @Override
        public int hashCode() {
            return Objects.hash(metric, groupKey, start);
        }
    }

    /** This row as the calculator merges it: its group and the bucket with its sketches. */
    @SuppressWarnings("unchecked")
    public GroupBucket groupBucket() {
        TreeMap<String, String> group = Json.read(groupKey, TreeMap.class);
        return new GroupBucket(group, start, new Bucket(count, sum, min, max,
                distinctSketch == null ? null : DistinctSketch.fromBytes(distinctSketch),
                quantileSketch == null ? null : QuantileSketch.fromBytes(quantileSketch), late, revised));
    }
}
