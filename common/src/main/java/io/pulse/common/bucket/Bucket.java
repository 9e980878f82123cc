package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The mergeable state of one time bucket: everything a query needs to answer count, sum, avg, min and max over
 * any union of buckets without averaging averages.
 *
 * @param count events in the bucket
 * @param sum   sum of their values (0 for a pure count)
 * @param min   smallest value, null while there is none
 * @param max   largest value, null while there is none
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Bucket(long count, double sum, Double min, Double max) {

    public static final Bucket EMPTY = new Bucket(0, 0, null, null);

    /** This bucket with one more event that carries no value (a pure count). */
    public Bucket addCount() {
        return new Bucket(count + 1, sum, min, max);
    }

    /** This bucket with one more event of the given value. */
    public Bucket add(double value) {
        return new Bucket(count + 1, sum + value,
                min == null ? value : Math.min(min, value),
                max == null ? value : Math.max(max, value));
    }

    /** The bucket covering the events of both. */
    public Bucket merge(Bucket other) {
        return new Bucket(count + other.count, sum + other.sum, smaller(min, other.min), larger(max, other.max));
    }

    private static Double smaller(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.min(a, b));
    }

    private static Double larger(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
    }
}
