package io.pulse.common.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a metric can answer about a bucket or a window of buckets; all exact and derived from mergeable state. */
public enum Aggregation {
    COUNT(false), SUM(true), AVG(true), MIN(true), MAX(true);

    private final boolean needsValue;

    Aggregation(boolean needsValue) {
        this.needsValue = needsValue;
    }

    /** Whether the metric must declare a numeric {@code value} field to keep this aggregation. */
    public boolean needsValue() {
        return needsValue;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Aggregation> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Aggregation::wireName).toList();
    }
}
