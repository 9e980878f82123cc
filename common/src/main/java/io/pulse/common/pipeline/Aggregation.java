package io.pulse.common.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a metric can answer about a bucket or a union of buckets. All derive from mergeable bucket state: count, sum,
 * min and max exactly; distinct counts from a distinct sketch (exact up to a threshold); quantiles such as
 * {@code p99} from a quantile sketch.
 *
 * @param kind     the family
 * @param quantile for {@link Kind#QUANTILE}, the rank asked for, in (0, 1); 0 otherwise
 */
public record Aggregation(Kind kind, double quantile) {

    public enum Kind { COUNT, SUM, AVG, MIN, MAX, DISTINCT, QUANTILE }

    public static final Aggregation COUNT = new Aggregation(Kind.COUNT, 0);
    public static final Aggregation SUM = new Aggregation(Kind.SUM, 0);
    public static final Aggregation AVG = new Aggregation(Kind.AVG, 0);
    public static final Aggregation MIN = new Aggregation(Kind.MIN, 0);
    public static final Aggregation MAX = new Aggregation(Kind.MAX, 0);
    public static final Aggregation DISTINCT = new Aggregation(Kind.DISTINCT, 0);

    /** The aggregations a metric with a value keeps when it names none. */
    public static final List<Aggregation> VALUE_DEFAULTS = List.of(COUNT, SUM, AVG, MIN, MAX);

    private static final Pattern QUANTILE = Pattern.compile("p(\\d{1,2}(?:\\.\\d{1,3})?)");

    /** Whether the metric must declare a numeric {@code value} field to keep this aggregation. */
    public boolean needsValue() {
        return kind == Kind.SUM || kind == Kind.AVG || kind == Kind.MIN || kind == Kind.MAX || kind == Kind.QUANTILE;
    }

    /** Whether the metric must declare a {@code distinct} field to keep this aggregation. */
    public boolean needsDistinct() {
        return kind == Kind.DISTINCT;
    }

    /** {@code count}, {@code avg}, {@code distinct}, {@code p99}, {@code p99.9}… */
    public String wireName() {
        if (kind != Kind.QUANTILE) {
            return kind.name().toLowerCase(Locale.ROOT);
        }
        String percent = java.math.BigDecimal.valueOf(quantile * 100).stripTrailingZeros().toPlainString();
        return "p" + percent;
    }

    /** Reads a wire name; quantiles from p1 to p99.999. */
    public static Optional<Aggregation> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher m = QUANTILE.matcher(name);
        if (m.matches()) {
            double percent = Double.parseDouble(m.group(1));
            return percent > 0 && percent < 100 ? Optional.of(new Aggregation(Kind.QUANTILE, percent / 100)) : Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind != Kind.QUANTILE && kind.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(new Aggregation(kind, 0));
            }
        }
        return Optional.empty();
    }

    /** The names accepted in a pipeline file, for messages. */
    public static List<String> wireNames() {
        return List.of("count", "sum", "avg", "min", "max", "distinct", "p50", "p90", "p99", "p99.9 (any pNN)");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
