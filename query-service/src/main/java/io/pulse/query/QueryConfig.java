package io.pulse.query;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "pulse.query")
public interface QueryConfig {

    /** Most points one answer may hold, over all its series; more is a 400 asking for a larger step. */
    @WithDefault("10000")
    long maxPoints();

    /** Time between heartbeat events on a live stream, idle or busy, so proxies keep the connection open. */
    @WithDefault("15s")
    Duration liveHeartbeat();

    /** How often buckets older than their metric's retention are dropped (also once shortly after start-up). */
    @WithDefault("1h")
    Duration retentionInterval();
}
