package io.pulse.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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

    /** Most item errors listed in one 202 answer; every rejected item still reaches the dead-letter topic. */
    @WithDefault("100")
    int maxReportedErrors();
}
