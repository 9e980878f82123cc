package io.pulse.query.api;

import io.pulse.common.problem.Problem;
import io.pulse.query.QueryConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The exports running at once, at most {@link QueryConfig#maxConcurrentExports()}: each holds a database connection
 * and a worker thread for as long as its client reads, so more of them would leave interactive questions waiting.
 */
@ApplicationScoped
public class ExportSlots {

    @Inject
    QueryConfig config;

    private Semaphore slots;

    @PostConstruct
    void start() {
        slots = new Semaphore(config.maxConcurrentExports());
    }

    /** Takes a slot, to be {@link #release}d when the export ends; a 429 problem naming the limit when none is free. */
    void acquire() {
        if (!slots.tryAcquire()) {
            throw Problem.of(429, "too-many-exports", "Too many exports at once", "all "
                            + config.maxConcurrentExports() + " exports allowed at once are running; try again when one ends")
                    .with("limit", config.maxConcurrentExports())
                    .with("setting", "pulse.query.max-concurrent-exports")
                    .with("allowed", List.of("a retry after a running export ends")).exception();
        }
    }

    void release() {
        slots.release();
    }
}
