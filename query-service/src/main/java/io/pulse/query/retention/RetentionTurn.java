package io.pulse.query.retention;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Whether it is this instance's turn to run retention: query instances each schedule it, and one run per interval is
 * enough. Taken in the run's transaction: a transaction-scoped advisory lock keeps two runs from overlapping (the one
 * that does not get it skips rather than waits), and the time of the last run, kept in the store, lets an instance
 * whose schedule comes later in the interval skip a run another instance did.
 */
@ApplicationScoped
public class RetentionTurn {

    /** The advisory lock's key: any constant no other lock of the store uses (theirs are hashes of groups and days). */
    static final long LOCK = 0x5055_4c53_4552_4554L;

    @Inject
    EntityManager entityManager;

    /**
     * In the caller's transaction: true, and the run recorded as at {@code now}, if no other run is under way and
     * none ran within the last half {@code interval} (schedules drift; a whole interval would skip every other run).
     */
    public boolean take(Instant now, Duration interval) {
        boolean locked = (Boolean) entityManager.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                .setParameter(1, LOCK).getSingleResult();
        if (!locked) {
            return false;
        }
        int recorded = entityManager.createNativeQuery("""
                        INSERT INTO retention_run (last_run) VALUES (?1)
                        ON CONFLICT (only_row) DO UPDATE SET last_run = EXCLUDED.last_run
                        WHERE retention_run.last_run <= ?2""")
                .setParameter(1, now.atOffset(ZoneOffset.UTC))
                .setParameter(2, now.minus(interval.dividedBy(2)).atOffset(ZoneOffset.UTC))
                .executeUpdate();
        return recorded == 1;
    }
}
