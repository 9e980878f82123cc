package io.pulse.query;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.problem.Problem;
import io.pulse.query.api.LiveResource;
import io.pulse.query.api.MetricInfo;
import io.pulse.query.api.SeriesResponse;
import io.pulse.query.api.TopResponse;
import io.pulse.query.api.WhereFilter;
import io.pulse.query.console.ConsoleResource;
import io.pulse.query.series.Series;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image of this service must keep for reflection: the types Jackson reads or writes through
 * reflection (bucket updates from Kafka, answers and problems; common registers the pipeline file's model).
 */
@RegisterForReflection(
        targets = {Bucket.class, BucketUpdate.class, DistinctSketch.class, QuantileSketch.class, MetricInfo.class,
                SeriesResponse.class, Series.class, TopResponse.class, TopResponse.Ranked.class,
                LiveResource.LiveBucket.class, WhereFilter.CellBox.class, ConsoleResource.ConsoleConfig.class, Problem.class})
public final class NativeConfiguration {

    private NativeConfiguration() {
    }
}
