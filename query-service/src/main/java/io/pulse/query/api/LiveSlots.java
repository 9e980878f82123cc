package io.pulse.query.api;

import io.pulse.common.problem.ProblemResponses;
import io.pulse.common.problem.Problems;
import io.pulse.query.QueryConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live streams open at once on this instance, at most {@link QueryConfig#maxLiveSubscribers()} and
 * {@link QueryConfig#maxLiveSubscribersPerCaller()} of one caller: each holds a
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
    private final Map<String, AtomicInteger> byCaller = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        slots = new Semaphore(config.maxLiveSubscribers());
    }

    /**
     * Takes a slot of {@code caller}'s; run the answer to free it, once, when the stream ends. A 429 problem when the
     * caller holds its most, a 503 with {@code Retry-After} when the instance serves its most.
     */
    Runnable acquire(String caller) {
        AtomicInteger held = byCaller.computeIfAbsent(caller, c -> new AtomicInteger());
        int perCaller = config.maxLiveSubscribersPerCaller();
        if (held.incrementAndGet() > perCaller) {
            held.decrementAndGet();
            throw Problems.overLimit(429, "too-many-streams", "Too many live streams", "this caller has " + perCaller
                    + " live streams open on this instance already; close one first", perCaller,
                    "pulse.query.max-live-subscribers-per-caller").exception();
        }
        if (!slots.tryAcquire()) {
            held.decrementAndGet();
            int max = config.maxLiveSubscribers();
            throw Problems.overLimit(503, "too-many-subscribers", "Too many live subscribers",
                    "all " + max + " live streams this instance serves at once are open; try again later or on another "
                            + "instance", max, "pulse.query.max-live-subscribers")
                    .with(ProblemResponses.RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS).exception();
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
                held.decrementAndGet();
            }
        };
    }
}
