package io.pulse.ingest.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "pulse.ingest.uploads")
public interface UploadConfig {

    /** Where uploads are spooled while they are processed, and where their state is kept between restarts. */
    @WithDefault("${java.io.tmpdir}/pulse-uploads")
    String directory();

    /** Largest upload accepted, in bytes (it is spooled to disk first); larger ones get 413. */
    @WithDefault("10737418240")
    long maxBytes();

    /** How often progress is saved to disk and pushed to server-sent-event subscribers. */
    @WithDefault("250ms")
    Duration progressInterval();

    /** How many rejected rows' reasons an upload's status lists; every rejected row still reaches the dead letters. */
    @WithDefault("20")
    int maxReportedErrors();

    /** How long an upload waits at its end for Kafka to acknowledge its last records before it is marked failed. */
    @WithDefault("2m")
    Duration ackTimeout();
}
