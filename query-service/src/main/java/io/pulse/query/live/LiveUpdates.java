package io.pulse.query.live;

import io.pulse.common.bucket.BucketKey;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Fans batches of changed buckets out to live subscribers. A subscriber that cannot keep up fails with a
 * back-pressure error and is dropped; it never slows the listener that hears of changes, nor other subscribers.
 */
@ApplicationScoped
public class LiveUpdates {

    /** Committed batches a subscriber may fall behind by before it is dropped. */
    static final int SLACK = 256;

    private volatile BroadcastProcessor<List<BucketKey>> broadcast = BroadcastProcessor.create();

    /** Called once a batch of changes is committed, so subscribers reading the store see it. */
    public void published(List<BucketKey> changed) {
        if (!changed.isEmpty()) {
            broadcast.onNext(List.copyOf(changed));
        }
    }

    /**
     * Changes may have been committed that no subscriber will hear of (the listener lost its connection): every
     * current subscriber is ended, so its client reconnects and reads what it missed; new ones hear of what follows.
     */
    public void interrupted(Throwable cause) {
        BroadcastProcessor<List<BucketKey>> ended = broadcast;
        broadcast = BroadcastProcessor.create();
        ended.onError(new IllegalStateException("live changes were interrupted: " + cause.getMessage(), cause));
    }

    /** The batches committed from now on, one list per store transaction. */
    public Multi<List<BucketKey>> batches() {
        return broadcast.onOverflow().buffer(SLACK);
    }
}
