package io.pulse.aggregation.topology;

import io.pulse.aggregation.buckets.BucketStores;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;

/**
 * The names of every state store and internal topic of the topology. They are part of the state format: Kafka Streams
 * names changelog and repartition topics after them ({@code pulse-aggregation-<name>-changelog}), and a renamed store
 * starts empty, so they change only with an upgrade note (docs/operations.md).
 */
public final class StateNames {

    private StateNames() {
    }

    /** The stores of one metric's buckets. */
    public static BucketStores buckets(Metric metric) {
        String name = metric.name();
        return new BucketStores(name + "-buckets", name + "-changed", name + "-revisions", name + "-source-clocks");
    }

    /** The buckets of one metric last published to its sink topics, with their publication numbers. */
    public static String sinkPublished(Metric metric) {
        return metric.name() + "-sink-published";
    }

    /** The event ids of one type seen recently, by time slot. */
    public static String seenIds(EventType type) {
        return type.name() + "-seen-id-slots";
    }

    /** The repartition topic of a metric whose grouping leaves out the partition key (without the application id). */
    public static String byGroup(Metric metric) {
        return metric.name() + "-by-group";
    }
}
