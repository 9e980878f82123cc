package io.pulse.bench.workload;

import java.time.Duration;
import java.util.List;

/**
 * One of the five contract workloads: how its raw input looks, which metric answers it, and how the bench checks
 * the answer. The expected answer is computed here from the generated events, never by the services' code.
 */
public interface Workload {

    /** How the raw input is sent: NDJSON lines to {@code /v1/events}, or a CSV file to {@code /v1/uploads}. */
    enum Format { NDJSON, CSV }

    /** The contract's event type. */
    String type();

    /** The contract's metric over that type. */
    String metric();

    Format format();

    /** The metric's bucket size, as the contract fixes it. */
    Duration granularity();

    /** The group fields the check asks for, all of the contract's. */
    List<String> groupBy();

    /** The aggregation whose value the check compares, besides the count. */
    String agg();

    /** {@code size} events, the same for the same seed. */
    Generated generate(int size, long seed);

    /**
     * Whether a value the query API answered matches the bench's own.
     *
     * @param relativeError the bound the API reported on the value (0 for exact aggregations)
     */
    default boolean matches(double expected, double actual, double relativeError) {
        return Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected));
    }

    /** What {@link #matches} allows, in words for the report. */
    default String tolerance() {
        return "exact (1e-9 relative for sums of doubles)";
    }
}
