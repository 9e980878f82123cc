package io.pulse.query;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "pulse.query")
public interface QueryConfig {

    /** Most points one answer may hold, over all its series; more is a 400 asking for a larger step. */
    @WithDefault("10000")
    long maxPoints();

    /**
     * Most exports streaming at once; one more is a 429. Each holds a database connection and a worker thread while
     * its client reads, so the pool keeps connections for interactive questions.
     */
    @WithDefault("2")
    int maxConcurrentExports();

    /**
     * Longest a statement answering a question may run in PostgreSQL ({@code statement_timeout} of the answering
     * connections); PostgreSQL cancels it and the question is a 503 {@code query-timeout}. Storing is not bounded.
     */
    @WithDefault("30s")
    Duration statementTimeout();

    /** Time between heartbeat events on a live stream, idle or busy, so proxies keep the connection open. */
    @WithDefault("15s")
    Duration liveHeartbeat();

    /** How often buckets older than their metric's retention are dropped (also once shortly after start-up). */
    @WithDefault("1h")
    Duration retentionInterval();

    /**
     * How long the consumers wait before storing a batch again while PostgreSQL is unavailable; the wait doubles
     * after each failed attempt, up to {@link #storeRetryMaxBackoff()}.
     */
    @WithDefault("500ms")
    Duration storeRetryBackoff();

    /** The longest wait between attempts to store while PostgreSQL is unavailable; also the 503's Retry-After. */
    @WithDefault("10s")
    Duration storeRetryMaxBackoff();
}
