package io.pulse.query.live;

import io.pulse.common.bucket.BucketUpdate;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Fans batches of stored bucket updates out to live subscribers. A subscriber that cannot keep up fails with a
 * back-pressure error and is dropped; it never slows the consumer that stores updates, nor other subscribers.
 */
@ApplicationScoped
public class LiveUpdates {

    /** Committed batches a subscriber may fall behind by before it is dropped. */
    static final int SLACK = 256;

    private final BroadcastProcessor<List<BucketUpdate>> broadcast = BroadcastProcessor.create();

    /** Called once a batch of updates is committed, so subscribers reading the store see it. */
    public void published(List<BucketUpdate> updates) {
        if (!updates.isEmpty()) {
            broadcast.onNext(List.copyOf(updates));
        }
    }

    /** The batches committed from now on, one list per consumer transaction. */
    public Multi<List<BucketUpdate>> batches() {
        return broadcast.onOverflow().buffer(SLACK);
    }
}
