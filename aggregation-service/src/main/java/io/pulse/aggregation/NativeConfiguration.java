package io.pulse.aggregation;

import io.pulse.aggregation.buckets.StoredBucket;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.event.LateEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image of this service must keep for reflection: the types Jackson reads or writes through
 * reflection (events, buckets with their sketches and keys in the Kafka Streams serdes, late events and dead
 * letters; common registers the pipeline file's model). The serdes themselves are built from lambdas, not named
 * by class in the configuration, so they need no registration; Quarkus' Kafka Streams extension registers
 * RocksDB's native library.
 */
@RegisterForReflection(
        targets = {CanonicalEvent.class, Bucket.class, BucketKey.class, BucketUpdate.class, DistinctSketch.class,
                QuantileSketch.class, StoredBucket.class, LateEvent.class, DeadLetter.class, FieldError.class})
public final class NativeConfiguration {

    private NativeConfiguration() {
    }
}
