package io.pulse.aggregation.buckets;

import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.LateEvent;

/** What the bucket processor sends on: a bucket's new value for {@code aggregates}, or a late event. */
public sealed interface Emitted {

    record Update(BucketUpdate update) implements Emitted {
    }

    record Late(LateEvent late) implements Emitted {
    }
}
