package io.pulse.query.api;

import io.pulse.common.problem.Problems;
import io.pulse.query.QueryConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live streams open at once on this instance, at most {@link QueryConfig#maxLiveSubscribers()}: each holds a
 * connection, a subscription to every batch of changes and, per batch it cares about, a read of the store. A stream
 * frees its slot when it ends, however it ends: the client leaves, it falls behind, or the instance lost its listener.
 */
@ApplicationScoped
public class LiveSlots {

    /** What a refused subscriber is told to wait before it tries again, here or on another instance. */
    static final int RETRY_AFTER_SECONDS = 5;

    @Inject
    QueryConfig config;

    private Semaphore slots;

    @PostConstruct
    void start() {
        slots = new Semaphore(config.maxLiveSubscribers());
    }

    /**
     * Takes a slot; run the answer to free it, once, when the stream ends. A 503 problem with {@code Retry-After} when
     * none is free.
     */
    Runnable acquire() {
        if (!slots.tryAcquire()) {
            int max = config.maxLiveSubscribers();
            throw new RetryLater(Problems.overLimit(503, "too-many-subscribers", "Too many live subscribers",
                    "all " + max + " live streams this instance serves at once are open; try again later or on another "
                            + "instance", max, "pulse.query.max-live-subscribers"), RETRY_AFTER_SECONDS);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
    }
}
