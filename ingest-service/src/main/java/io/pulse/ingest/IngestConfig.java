package io.pulse.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "pulse.ingest")
public interface IngestConfig {

    /** Largest request body accepted by POST /v1/events, in bytes; larger ones get 413. */
    @WithDefault("67108864")
    long maxBodyBytes();

    /** How far ahead of this server's clock an event time may be; later ones would close windows early. */
    @WithDefault("5m")
    Duration maxFutureSkew();

    /** How long a request waits for Kafka to acknowledge its events before answering 503. */
    @WithDefault("30s")
    Duration ackTimeout();

    /**
     * Events one caller (an API key, or a JWT's subject) may send per second to POST /v1/events, on average: a
     * caller over it gets 429 with Retry-After until it is back under, so one team's flood leaves room for others.
     */
    @WithDefault("50000")
    long callerRate();

    /** Events a caller may send at once beyond its rate, e.g. one large array after a quiet while. */
    @WithDefault("500000")
    long callerBurst();

    /** Most item errors listed in one 202 answer; every rejected item still reaches the dead-letter topic. */
    @WithDefault("100")
    int maxReportedErrors();

    /**
     * Transactional producers shared by the requests and uploads of this instance: each request is one Kafka
     * transaction, and a producer runs one transaction at a time, so this many requests are written at once; the
     * others wait for a free one up to the ack timeout. Each event type with Kafka sources adds one for its reader.
     */
    @WithDefault("4")
    int producerPoolSize();

    /**
     * Most records of a Kafka source read in one poll, and so written in one Kafka transaction with their offsets:
     * larger transactions cost fewer commits, smaller ones less work redone after a failure.
     */
    @WithDefault("2000")
    int sourcePollRecords();

    /**
     * The start of the pool's transactional ids (the pool slot's number follows). Stable across restarts of one
     * instance, so a restarted instance fences its predecessor's unfinished transactions; distinct between instances
     * running at once. Defaults to {@code pulse-ingest-<host name>-<HTTP port>}.
     */
    Optional<String> transactionalIdPrefix();

    /** How long a committed Idempotency-Key answers its stored reply; also the retention of ingest.requests. */
    @WithDefault("24h")
    Duration idempotencyHorizon();

    /**
     * Most bytes of a rejected item's text kept on its dead letter; a longer one keeps its beginning, with the whole
     * item's length and SHA-256, so that a dead letter always fits in one Kafka record.
     */
    @WithDefault("65536")
    int deadLetterMaxRawBytes();

    /** Rows of an upload written per Kafka transaction: an upload is committed in chunks of this many records. */
    @WithDefault("10000")
    int uploadTransactionRecords();
}
