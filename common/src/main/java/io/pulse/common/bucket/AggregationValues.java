package io.pulse.common.bucket;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a bucket answers for each aggregation, and the error bound of the approximate ones: the same numbers whether
 * the query API or a result topic gives them.
 */
public final class AggregationValues {

    private AggregationValues() {
    }

    /** Every aggregation the metric keeps, by its name in {@code agg}, in the pipeline file's order: {@link #value}s. */
    public static Map<String, Double> values(Metric metric, Bucket b) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Aggregation agg : metric.aggregations()) {
            values.put(agg.wireName(), value(agg, b));
        }
        return values;
    }

    /** The {@link #error} bound of each approximate aggregation the metric keeps, by its name; empty when none is. */
    public static Map<String, Map<String, Double>> errors(Metric metric, Bucket b) {
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        for (Aggregation agg : metric.aggregations()) {
            Map<String, Double> bound = error(agg, b);
            if (bound != null) {
                errors.put(agg.wireName(), bound);
            }
        }
        return errors;
    }

    /** The value of {@code agg} over the events of {@code b}; null when it has none. */
    public static Double value(Aggregation agg, Bucket b) {
        if (b.count() == 0) {
            return null;
        }
        return switch (agg.kind()) {
            case COUNT -> (double) b.count();
            case SUM -> b.sum();
            case AVG -> b.sum() / b.count();
            case MIN -> b.min();
            case MAX -> b.max();
            case DISTINCT -> b.distinct() == null ? null : b.distinct().estimate();
            case QUANTILE -> b.quantiles() == null ? null : b.quantiles().quantile(agg.quantile());
        };
    }

    /** The error bound of {@link #value} for approximate aggregations (as series points and published buckets carry it); null when exact. */
    public static Map<String, Double> error(Aggregation agg, Bucket b) {
        String kind = errorKind(agg);
        return kind == null ? null : Map.of(kind, errorBound(agg, b));
    }

    /** The name of the error bound {@code agg} carries: {@code relative} or {@code rank}; null when exact. */
    public static String errorKind(Aggregation agg) {
        return switch (agg.kind()) {
            case DISTINCT -> "relative";
            case QUANTILE -> "rank";
            default -> null;
        };
    }

    /** The error bound of {@link #value} for an aggregation with an {@link #errorKind}; 0 while exact. */
    public static double errorBound(Aggregation agg, Bucket b) {
        return switch (agg.kind()) {
            case DISTINCT -> b.distinct() == null ? 0 : b.distinct().relativeError();
            case QUANTILE -> b.quantiles() == null ? 0 : b.quantiles().rankError();
            default -> throw new IllegalArgumentException(agg.wireName() + " is exact");
        };
    }
}
