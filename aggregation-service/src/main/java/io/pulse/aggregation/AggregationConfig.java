package io.pulse.aggregation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "pulse.aggregation")
public interface AggregationConfig {

    /** How often changed buckets are published to {@code aggregates}: updates in between are coalesced. */
    @WithDefault("500ms")
    Duration emitInterval();

    /** How long an event id is remembered; a repeat within it is dropped as a duplicate. */
    @WithDefault("1h")
    Duration duplicateHorizon();

    /** Events further ahead of this clock are refused (to events.dlq) and never advance event time. */
    @WithDefault("5m")
    Duration maxFutureSkew();
}
