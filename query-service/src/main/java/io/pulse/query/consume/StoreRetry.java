package io.pulse.query.consume;

import io.pulse.query.Backoff;
import io.pulse.query.QueryConfig;
import io.pulse.query.store.StoreOutage;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Stores a batch again, with a growing pause, for as long as PostgreSQL is unavailable, instead of failing the
 * consumer (which would stop the channel and have the pod restarted in a loop). The batch's offsets are committed
 * only once it is stored, so nothing is lost; the store is idempotent (bucket values by their time, revisions by
 * their identity, outcomes by their counted offsets), so an attempt whose commit was cut off and is tried again
 * counts nothing twice. Any other failure still fails the consumer, so a batch the database refuses is not retried
 * forever.
 */
@ApplicationScoped
public class StoreRetry {

    private static final Logger LOG = Logger.getLogger(StoreRetry.class);

    @Inject
    StoreOutage outage;

    @Inject
    QueryConfig config;

    private final Object pause = new Object();
    private volatile boolean stopping;

    /** Runs {@code store} until it succeeds, or fails for another reason than an outage, or the service stops. */
    public void untilStored(String what, Runnable store) {
        Backoff backoff = new Backoff(config);
        while (true) {
            try {
                store.run();
                if (outage.succeeded()) {
                    LOG.infof("PostgreSQL is available again: %s stored", what);
                }
                return;
            } catch (RuntimeException e) {
                if (stopping || !StoreOutage.isOutage(e)) {
                    throw e;
                }
                outage.failed(e);
                Duration pause = backoff.next();
                LOG.warnf("cannot store %s, PostgreSQL is unavailable (%s); trying again in %d ms", what,
                        outage.current().map(StoreOutage.Since::reason).orElse(""), pause.toMillis());
                sleep(pause);
            }
        }
    }

    /** On shutdown a paused batch gives up at once: its offsets are not committed, so it is read again later. */
    void stopping(@Observes ShutdownEvent event) {
        stopping = true;
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    private void sleep(Duration wait) {
        synchronized (pause) {
            if (stopping) {
                return;
            }
            try {
                pause.wait(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }
}
