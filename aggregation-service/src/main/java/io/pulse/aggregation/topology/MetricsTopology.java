package io.pulse.aggregation.topology;

import io.pulse.aggregation.serde.JsonSerde;
import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Kafka Streams topology for a pipeline: each event topic is read once, and every metric on it keeps tumbling
 * buckets per group, publishing each bucket's current value to {@code aggregates} as it changes.
 */
public final class MetricsTopology {

    static final Serde<CanonicalEvent> EVENTS = JsonSerde.of(CanonicalEvent.class);
    static final Serde<Bucket> BUCKETS = JsonSerde.of(Bucket.class);

    private final Pipeline pipeline;
    private final Clock clock;

    public MetricsTopology(Pipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        for (String type : pipeline.eventTypes().keySet()) {
            var metrics = pipeline.metricsOf(type);
            if (metrics.isEmpty()) {
                continue;
            }
            KStream<String, CanonicalEvent> events = builder.stream(Topics.events(type),
                    Consumed.with(Serdes.String(), EVENTS).withTimestampExtractor(new EventTimeExtractor())
                            .withName(type + "-events"));
            EventType eventType = pipeline.eventType(type).orElseThrow();
            metrics.forEach(metric -> buckets(events, eventType, metric));
        }
        return builder.build();
    }

    /** Store names are also part of changelog topic names: one per metric, stable across releases. */
    public static String storeName(Metric metric) {
        return metric.name() + "-buckets";
    }

    private void buckets(KStream<String, CanonicalEvent> events, EventType type, Metric metric) {
        String name = metric.name();
        KStream<String, CanonicalEvent> valued = events.filter((key, event) -> hasValue(metric, event),
                Named.as(name + "-with-value"));
        // Grouping by exactly the partition key keeps every group on its partition, in the order ingest wrote it.
        // Any other grouping needs a repartition topic, where events from different partitions interleave, so a
        // bucket may close before stragglers from a slower partition arrive (they are then late).
        boolean byPartitionKey = type.key().map(key -> metric.groupBy().equals(List.of(key))).orElse(false);
        KGroupedStream<String, CanonicalEvent> grouped = byPartitionKey
                ? valued.groupByKey(Grouped.with(Serdes.String(), EVENTS))
                : valued.selectKey((key, event) -> Json.writeString(group(metric, event)), Named.as(name + "-group"))
                        .groupByKey(Grouped.with(name + "-by-group", Serdes.String(), EVENTS));
        Function<String, SortedMap<String, String>> groupOf = byPartitionKey
                ? key -> new TreeMap<>(Map.of(type.keyField(), key))
                : MetricsTopology::parseGroup;
        grouped.windowedBy(TimeWindows.ofSizeAndGrace(metric.granularity(), metric.allowedLateness()))
                .aggregate(() -> Bucket.EMPTY, (group, event, bucket) -> add(metric, event, bucket),
                        Named.as(name + "-aggregate"),
                        Materialized.<String, Bucket, WindowStore<Bytes, byte[]>>as(storeName(metric))
                                .withKeySerde(Serdes.String()).withValueSerde(BUCKETS)
                                .withRetention(metric.granularity().plus(metric.allowedLateness())))
                .toStream(Named.as(name + "-changes"))
                .map((window, bucket) -> update(metric, groupOf.apply(window.key()), window, bucket),
                        Named.as(name + "-updates"))
                .to(Topics.AGGREGATES, Produced.with(Serdes.String(), Serdes.String()).withName(name + "-out"));
    }

    /** Events lacking a numeric value cannot count towards a value metric; ingest's schema normally ensures it. */
    private static boolean hasValue(Metric metric, CanonicalEvent event) {
        return metric.value().map(f -> event.attrs().path(f).isNumber()).orElse(true);
    }

    private static Bucket add(Metric metric, CanonicalEvent event, Bucket bucket) {
        return metric.value().map(f -> bucket.add(event.attrs().path(f).asDouble())).orElseGet(bucket::addCount);
    }

    static SortedMap<String, String> group(Metric metric, CanonicalEvent event) {
        SortedMap<String, String> group = new TreeMap<>();
        for (String field : metric.groupBy()) {
            var value = event.attrs().path(field);
            group.put(field, value.isValueNode() && !value.isNull() ? value.asText() : null);
        }
        return group;
    }

    @SuppressWarnings("unchecked")
    private static SortedMap<String, String> parseGroup(String json) {
        return Json.read(json, TreeMap.class);
    }

    private KeyValue<String, String> update(Metric metric, SortedMap<String, String> group, Windowed<String> window,
                                            Bucket bucket) {
        Instant start = window.window().startTime();
        Instant end = window.window().endTime();
        BucketUpdate update = new BucketUpdate(metric.name(), group, start, end, bucket, false, clock.instant());
        return KeyValue.pair(Json.writeString(new BucketKey(metric.name(), group, start)), Json.writeString(update));
    }
}
