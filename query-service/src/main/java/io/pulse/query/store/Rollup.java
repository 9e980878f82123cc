package io.pulse.query.store;

import java.time.Duration;
import java.time.Instant;

/**
 * The coarser tables kept beside the buckets: count, sum, min and max of each group's buckets per hour and per day,
 * epoch-aligned. Each is recomputed from the table beneath it ({@link #source}) whenever that changes.
 */
public enum Rollup {
    HOUR("bucket_hour", "bucket", Duration.ofHours(1)),
    DAY("bucket_day", "bucket_hour", Duration.ofDays(1));

    final String table;
    final String source;
    final Duration unit;

    Rollup(String table, String source, Duration unit) {
        this.table = table;
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
