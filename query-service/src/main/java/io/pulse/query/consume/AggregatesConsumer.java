package io.pulse.query.consume;

import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.query.store.BucketRepository;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps PostgreSQL in step with the {@code aggregates} topic, a batch per transaction; the store tells every instance's
 * live subscribers what it changed.
 * Offsets are committed after the transaction, so a crash replays a batch, which the store absorbs: values older than
 * the stored ones are ignored, revisions merged before are known by their identity. While PostgreSQL is unavailable
 * the batch waits and is tried again ({@link StoreRetry}).
 */
@ApplicationScoped
public class AggregatesConsumer {

    private static final Logger LOG = Logger.getLogger(AggregatesConsumer.class);

    @Inject
    BucketRepository buckets;

    @Inject
    StoreRetry retry;

    @Incoming("aggregates")
    @Blocking
    public void store(List<String> values) {
        List<BucketUpdate> updates = new ArrayList<>(values.size());
        for (String value : values) {
            if (value == null) {
                continue; // a tombstone: the bucket was compacted away upstream, the stored one is kept until retention
            }
            try {
                updates.add(Json.read(value, BucketUpdate.class));
            } catch (RuntimeException e) {
                LOG.errorf("skipping an aggregates record that is not a bucket: %s", value);
            }
        }
        retry.untilStored(updates.size() + " bucket values", () -> buckets.store(updates));
    }
}
