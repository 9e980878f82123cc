package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pulse.common.pipeline.Metric;

/**
 * The mergeable state of one time bucket: everything a query needs to answer any aggregation over any union of
 * buckets without averaging averages. Immutable.
 *
 * @param count     events in the bucket
 * @param sum       sum of their values (0 for a pure count)
 * @param min       smallest value, null while there is none
 * @param max       largest value, null while there is none
 * @param distinct  the distinct values of the metric's distinct field; null if the metric counts none
 * @param quantiles the distribution of the values; null if the metric keeps no quantiles
 * @param late      how many of its events arrived after it was final (they are counted in it all the same)
 * @param revised   whether it changed after it became final
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Bucket(long count, double sum, Double min, Double max, DistinctSketch distinct, QuantileSketch quantiles,
                     long late, boolean revised) {

    /** An empty bucket without sketches. */
    public static final Bucket EMPTY = new Bucket(0, 0, null, null, null, null);

    public Bucket(long count, double sum, Double min, Double max) {
        this(count, sum, min, max, null, null);
    }

    /** A bucket none of whose events came late. */
    public Bucket(long count, double sum, Double min, Double max, DistinctSketch distinct, QuantileSketch quantiles) {
        this(count, sum, min, max, distinct, quantiles, 0, false);
    }

    /** An empty bucket carrying the sketches the metric needs. */
    public static Bucket empty(Metric metric) {
        return new Bucket(0, 0, null, null, metric.distinct().isPresent() ? DistinctSketch.empty() : null,
                metric.keepsQuantiles() ? QuantileSketch.empty() : null);
    }

    /** This bucket with one more event that carries no value (a pure count). */
    public Bucket addCount() {
        return add(null, null);
    }

    /** This bucket with one more event of the given value. */
    public Bucket add(double value) {
        return add(value, null);
    }

    /**
     * This bucket with one more event.
     *
     * @param value         its value, null for a metric without one
     * @param distinctValue its distinct field's value, null if absent or not counted
     */
    public Bucket add(Double value, String distinctValue) {
        DistinctSketch d = distinct != null && distinctValue != null ? distinct.add(distinctValue) : distinct;
        if (value == null) {
            return new Bucket(count + 1, sum, min, max, d, quantiles, late, revised);
        }
        return new Bucket(count + 1, sum + value, min == null ? value : Math.min(min, value),
                max == null ? value : Math.max(max, value), d, quantiles == null ? null : quantiles.add(value), late,
                revised);
    }

    /** This bucket with one more event that arrived after the bucket was final: counted, and counted as late. */
    public Bucket addLate(Double value, String distinctValue) {
        Bucket added = add(value, distinctValue);
        return new Bucket(added.count, added.sum, added.min, added.max, added.distinct, added.quantiles, late + 1, true);
    }

    /** The bucket covering the events of both; late if either's events were, revised if either was. */
    public Bucket merge(Bucket other) {
        return new Bucket(count + other.count, sum + other.sum, smaller(min, other.min), larger(max, other.max),
                combine(distinct, other.distinct), combine(quantiles, other.quantiles), late + other.late,
                revised || other.revised);
    }

    private static DistinctSketch combine(DistinctSketch a, DistinctSketch b) {
        return a == null ? b : b == null ? a : a.merge(b);
    }

    private static QuantileSketch combine(QuantileSketch a, QuantileSketch b) {
        return a == null ? b : b == null ? a : a.merge(b);
    }

    private static Double smaller(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.min(a, b));
    }

    private static Double larger(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
    }
}
