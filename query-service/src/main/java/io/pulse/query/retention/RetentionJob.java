package io.pulse.query.retention;

import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.QueryConfig;
import io.pulse.query.store.BucketRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Drops stored buckets older than their metric's retention, so the store does not grow without bound. */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    @Inject
    Pipeline pipeline;

    @Inject
    BucketRepository buckets;

    @Inject
    MeterRegistry registry;

    @Inject
    RetentionTurn turn;

    @Inject
    QueryConfig config;

    Clock clock = Clock.systemUTC();

    /** Runs every {@link QueryConfig#retentionInterval()}, and once shortly after start-up. */
    @Scheduled(every = "${pulse.query.retention-interval}", delay = 1, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        dropExpired();
    }

    /**
     * Drops what is expired, if it is this instance's turn ({@link RetentionTurn}): with several instances, one of
     * them does the work each interval.
     *
     * @return whether this run did the work, rather than leaving it to another instance's
     */
    @Transactional
    public boolean dropExpired() {
        Instant now = clock.instant();
        if (!turn.take(now, config.retentionInterval())) {
            LOG.debug("retention skipped: another instance runs it this interval");
            return false;
        }
        for (Metric metric : pipeline.metrics().values()) {
            metric.retentionPeriod().ifPresent(retention -> {
                Instant before = now.minus(retention);
                long dropped = buckets.deleteStartingBefore(metric.name(), before);
                if (dropped > 0) {
                    registry.counter("pulse.query.buckets.expired", "metric", metric.name()).increment(dropped);
                    LOG.infof("dropped %d buckets of %s starting before %s", dropped, metric.name(), before);
                }
            });
        }
        return true;
    }
}
