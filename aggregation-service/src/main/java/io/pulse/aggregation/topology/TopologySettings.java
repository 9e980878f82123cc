package io.pulse.aggregation.topology;

import io.pulse.aggregation.AggregationConfig;
import java.time.Duration;

/**
 * The tunables of the topology, as plain values so tests can build it without CDI.
 *
 * @param emitInterval     how often changed buckets are published (wall-clock)
 * @param duplicateHorizon how long event ids are remembered
 * @param maxFutureSkew    how far ahead of the wall clock an event time may be
 */
public record TopologySettings(Duration emitInterval, Duration duplicateHorizon, Duration maxFutureSkew) {

    public static TopologySettings of(AggregationConfig config) {
        return new TopologySettings(config.emitInterval(), config.duplicateHorizon(), config.maxFutureSkew());
    }
}
