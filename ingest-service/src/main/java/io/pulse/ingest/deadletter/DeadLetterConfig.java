package io.pulse.ingest.deadletter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The bounds on reading {@code events.dlq} for {@code GET /v1/dead-letters}, so one request cannot take the broker. */
@ConfigMapping(prefix = "pulse.ingest.dead-letters")
public interface DeadLetterConfig {

    /**
     * Most records one request reads from the topic, of every type: past it the answer holds what was found and says
     * it is not complete. A type rarely rejected among many often rejected is where this is reached.
     */
    @WithDefault("100000")
    int maxScan();

    /**
     * Records read at a time from each partition, stepping back from its end: the newest dead letters are found
     * without reading the whole time range, and a small limit reads little more than it answers.
     */
    @WithDefault("500")
    int chunkRecords();

    /** Requests reading the topic at once on this instance, each with its own consumer; one more gets 503. */
    @WithDefault("4")
    int maxConcurrentReads();

    /**
     * How long one request may take to read: the broker not answering its first questions within it is a 503; a scan
     * still running at its end stops and answers what it found, marked not complete.
     */
    @WithDefault("10s")
    Duration timeout();
}
