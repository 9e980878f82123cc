package io.pulse.aggregation;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image of this service must keep for reflection: the types Jackson reads or writes through
 * reflection (the pipeline file, events, buckets and their keys in the Kafka Streams serdes). The serdes themselves
 * are built from lambdas, not named by class in the configuration, so they need no registration; Quarkus' Kafka
 * Streams extension registers RocksDB's native library.
 */
@RegisterForReflection(
        targets = {CanonicalEvent.class, Bucket.class, BucketKey.class, BucketUpdate.class},
        classNames = {"io.pulse.common.pipeline.PipelineFile", "io.pulse.common.pipeline.PipelineFile$EventTypeEntry",
                "io.pulse.common.pipeline.PipelineFile$TimestampEntry",
                "io.pulse.common.pipeline.PipelineFile$MetricEntry"})
public final class NativeConfiguration {

    private NativeConfiguration() {
    }
}
