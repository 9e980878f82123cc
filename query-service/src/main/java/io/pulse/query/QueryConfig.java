package io.pulse.query;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The query service's settings. The caps on the work one question may ask for are listed, with what each protects and
 * how it is answered, in docs/api.md ("Limits").
 */
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

    /** Largest {@code k} of {@code /top}: how many groups one ranking may answer; more is a 400 {@code too-many-groups}. */
    @WithDefault("1000")
    int maxTopK();

    /**
     * Most stored groups one {@code /top} may rank: each is read and merged in memory, so a ranking over a field of huge
     * cardinality (geohash cells, user ids) is refused, {@code 400 too-many-ranked-groups}, before its buckets are read.
     */
    @WithDefault("100000")
    int maxRankedGroups();

    /** Longest {@code window} of {@code /moving}: each point reads that far back; longer is a 400 {@code window-too-long}. */
    @WithDefault("366d")
    Duration maxWindow();

    /** Most {@code bbox(…)} filters in one question; more is a 400 {@code too-many-boxes}. */
    @WithDefault("10")
    int maxBoxes();

    /**
     * Most geohash cells one {@code bbox(…)} may expand to (each becomes a group key to look up): about 14° x 14° at
     * precision 5, 440 km x 440 km at precision 7; more is a 400 {@code box-too-large}.
     */
    @WithDefault("100000")
    long maxBoxCells();

    /**
     * Longest a statement answering a question may run in PostgreSQL ({@code statement_timeout} of the answering
     * connections); PostgreSQL cancels it and the question is a 503 {@code query-timeout}. Storing is not bounded.
     */
    @WithDefault("30s")
    Duration statementTimeout();

    /** Most live streams ({@code /live}) open at once on one instance; one more is a 503 {@code too-many-subscribers}. */
    @WithDefault("1000")
    int maxLiveSubscribers();

    /**
     * Most live streams one caller (an API key, or a JWT's subject) holds open at once on one instance, so one
     * client cannot take every slot; one more is a 429 {@code too-many-streams}.
     */
    @WithDefault("50")
    int maxLiveSubscribersPerCaller();

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

    /** The web console served on {@code /}. */
    Console console();

    interface Console {

        /**
         * Where browsers reach the ingest service, for the console's uploads and dead letters; that service must
         * allow this service's origin (CORS, docs/console.md).
         */
        @WithDefault("http://127.0.0.1:8081")
        String ingestUrl();
    }
}
