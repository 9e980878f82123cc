package io.pulse.query.live;

import io.pulse.common.bucket.BucketUpdate;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Fans stored bucket updates out to live subscribers. A subscriber that cannot keep up fails with a back-pressure
 * error and is dropped; it never slows the consumer that stores updates.
 */
@ApplicationScoped
public class LiveUpdates {

    /** Updates a subscriber may fall behind by before it is dropped. */
    static final int SLACK = 1024;

    private final BroadcastProcessor<BucketUpdate> broadcast = BroadcastProcessor.create();

    /** Called once the updates are committed to the store. */
    public void published(List<BucketUpdate> updates) {
        updates.forEach(broadcast::onNext);
    }

    public Multi<BucketUpdate> stream() {
        return broadcast.onOverflow().buffer(SLACK);
    }
}
