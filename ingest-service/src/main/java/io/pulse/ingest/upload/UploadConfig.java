package io.pulse.ingest.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "pulse.ingest.uploads")
public interface UploadConfig {

    /** Where uploads are spooled while they are read, with a claim on each so a restart here marks it failed. */
    @WithDefault("${java.io.tmpdir}/pulse-uploads")
    String directory();

    /** Largest upload accepted, in bytes (it is spooled to disk first); larger ones get 413. */
    @WithDefault("10737418240")
    long maxBytes();

    /**
     * Most bytes the spooled files of this replica may take together; an upload that would go past it gets 507.
     * Keep it below the free space of the directory's volume.
     */
    @WithDefault("21474836480")
    long maxSpoolBytes();

    /** How often the progress of the upload being read is published and pushed to server-sent-event subscribers. */
    @WithDefault("250ms")
    Duration progressInterval();

    /**
     * How long an upload may go without a status from the replica reading it (it publishes one at least every
     * sixth of this) before every replica reports it failed: that replica is gone.
     */
    @WithDefault("2m")
    Duration stalledAfter();

    /** How many rejected rows' reasons an upload's status lists; every rejected row still reaches the dead letters. */
    @WithDefault("20")
    int maxReportedErrors();

    /** How long an upload waits at its end for Kafka to acknowledge its last records before it is marked failed. */
    @WithDefault("2m")
    Duration ackTimeout();
}
