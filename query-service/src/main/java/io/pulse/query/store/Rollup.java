package io.pulse.query.store;

import java.time.Duration;
import java.time.Instant;

/**
 * The coarser tables kept beside the buckets: count, sum, min and max of each group's buckets per hour and per day,
 * epoch-aligned ({@link #table}), and of all groups together ({@link #totals}). Both move with every stored bucket;
 * where that cannot be done by difference they are recomputed from the table beneath ({@link #source}).
 */
public enum Rollup {
    HOUR("bucket_hour", "metric_hour", "bucket", Duration.ofHours(1)),
    DAY("bucket_day", "metric_day", "bucket_hour", Duration.ofDays(1));

    final String table;
    final String totals;
    final String source;
    final Duration unit;

    Rollup(String table, String totals, String source, Duration unit) {
        this.table = table;
        this.totals = totals;
        this.source = source;
        this.unit = unit;
    }

    public Duration unit() {
        return unit;
    }

    /** The start of the unit holding {@code t}. */
    Instant floor(Instant t) {
        long u = unit.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), u) * u);
    }
}
