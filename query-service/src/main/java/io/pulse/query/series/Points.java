package io.pulse.query.series;

import io.pulse.common.bucket.AggregationValues;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.window.WindowedPoints;
import java.time.Instant;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.Map;

/**
 * The points of one series, kept as columns of primitives: a point's time comes from the question's points, shared
 * by all its series, its value, count and error bound sit in arrays. Seen as a list it gives {@link Series.Point}s, made on each {@link #get}; the answer
 * writer reads the columns instead ({@code io.pulse.query.api.PointsJson}), so a day of one-minute points no longer
 * holds a point record, a boxed value and an instant per point until the answer is written, then its text.
 */
public final class Points extends AbstractList<Series.Point> {

    private final WindowedPoints times;
    private final ZoneId zone;
    private final Aggregation agg;
    private final String errorKind;
    private final long[] counts;
    private final long[] lates;
    private final boolean[] revised;
    private final double[] values;
    private final boolean[] valued;
    private final double[] errors;
    private int size;

    /**
     * @param times the question's points, one to be added here for each
     * @param zone  the zone the times are written in; null for UTC
     * @param agg   what each point's value is
     */
    Points(WindowedPoints times, ZoneId zone, Aggregation agg) {
        int capacity = times.size();
        this.times = times;
        this.zone = zone;
        this.agg = agg;
        this.errorKind = AggregationValues.errorKind(agg);
        this.counts = new long[capacity];
        this.lates = new long[capacity];
        this.revised = new boolean[capacity];
        this.values = new double[capacity];
        this.valued = new boolean[capacity];
        this.errors = errorKind == null ? null : new double[capacity];
    }

    /** Appends the next point: the value of {@code agg} over the merged buckets it covers. */
    void add(Bucket merged) {
        Double value = AggregationValues.value(agg, merged);
        counts[size] = merged.count();
        lates[size] = merged.late();
        revised[size] = merged.revised();
        valued[size] = value != null;
        values[size] = value == null ? 0 : value;
        if (errors != null) {
            errors[size] = AggregationValues.errorBound(agg, merged);
        }
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Series.Point get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return new Series.Point(ts(i), valued[i] ? values[i] : null, counts[i], lates[i], revised[i],
                errorKind == null ? null : Map.of(errorKind, errors[i]));
    }

    public Instant ts(int i) {
        return Instant.ofEpochMilli(times.time(i));
    }

    /** The time of point {@code i} in epoch milliseconds. */
    public long epochMilli(int i) {
        return times.time(i);
    }

    /** The zone {@link #ts} is written in; null for UTC. */
    public ZoneId zone() {
        return zone;
    }

    /** Whether point {@code i} has a value: false when it covers no events ({@link Series.Point#value()} null). */
    public boolean hasValue(int i) {
        return valued[i];
    }

    /** The value of point {@code i}, when {@link #hasValue}. */
    public double value(int i) {
        return values[i];
    }

    public long count(int i) {
        return counts[i];
    }

    /** How many of the events of point {@code i} arrived after their bucket was final. */
    public long late(int i) {
        return lates[i];
    }

    /** Whether a bucket under point {@code i} changed after it was final. */
    public boolean revised(int i) {
        return revised[i];
    }

    /** The name of the error bound every point carries ({@code relative}, {@code rank}); null for exact values. */
    public String errorKind() {
        return errorKind;
    }

    /** The error bound of point {@code i}, when {@link #errorKind} is not null. */
    public double error(int i) {
        return errors[i];
    }
}
