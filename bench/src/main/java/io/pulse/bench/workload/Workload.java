package io.pulse.bench.workload;

import java.time.Duration;
import java.util.List;

/**
 * One of the five contract workloads: how its raw input looks, which metric answers it, and how the bench checks
 * the answer. The expected answer is computed here from the generated events, never by the services' code.
 */
public abstract class Workload {

    /** How the raw input is sent: NDJSON lines to {@code /v1/events}, or a CSV file to {@code /v1/uploads}. */
    public enum Format { NDJSON, CSV }

    private final String type;
    private final String metric;
    private final Format format;
    private final Duration granularity;
    private final List<String> groupBy;
    private final String agg;

    /**
     * @param type        the contract's event type
     * @param metric      the contract's metric over that type
     * @param granularity the metric's bucket size, as the contract fixes it
     * @param groupBy     the group fields the check asks for, all of the contract's
     * @param agg         the aggregation whose value the check compares, besides the count
     */
    protected Workload(String type, String metric, Format format, Duration granularity, List<String> groupBy, String agg) {
        this.type = type;
        this.metric = metric;
        this.format = format;
        this.granularity = granularity;
        this.groupBy = groupBy;
        this.agg = agg;
    }

    public String type() {
        return type;
    }

    public String metric() {
        return metric;
    }

    public Format format() {
        return format;
    }

    public Duration granularity() {
        return granularity;
    }

    public List<String> groupBy() {
        return groupBy;
    }

    public String agg() {
        return agg;
    }

    /** {@code size} events, the same for the same seed. */
    public Generated generate(int size, long seed) {
        return generate(size, seed, Duration.ZERO);
    }

    /**
     * {@code size} events of the same shape starting {@code earlier} (whole days) before the usual start: the bench's
     * warm-up sends these, so they never reach a bucket it measures.
     */
    public abstract Generated generate(int size, long seed, Duration earlier);

    /**
     * Whether a value the query API answered matches the bench's own.
     *
     * @param relativeError the bound the API reported on the value (0 for exact aggregations)
     */
    public boolean matches(double expected, double actual, double relativeError) {
        return Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected));
    }

    /** What {@link #matches} allows, in words for the report. */
    public String tolerance() {
        return "exact (1e-9 relative for sums of doubles)";
    }
}
