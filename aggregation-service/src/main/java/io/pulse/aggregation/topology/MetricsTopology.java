package io.pulse.aggregation.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.aggregation.buckets.BucketCache;
import io.pulse.aggregation.buckets.BucketProcessor;
import io.pulse.aggregation.buckets.BucketStores;
import io.pulse.aggregation.buckets.Emitted;
import io.pulse.aggregation.buckets.SourcePartition;
import io.pulse.aggregation.buckets.StoredBucket;
import io.pulse.aggregation.dedup.DuplicateFilter;
import io.pulse.aggregation.dedup.Seen;
import io.pulse.aggregation.serde.JsonSerde;
import io.pulse.aggregation.serde.StoredBucketSerde;
import io.pulse.aggregation.sink.PublishedBucket;
import io.pulse.aggregation.sink.SinkBucket;
import io.pulse.aggregation.sink.SinkKey;
import io.pulse.aggregation.sink.SinkPublisher;
import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import java.time.Clock;
import io.pulse.aggregation.topology.EventScreen.Screened;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology for a pipeline. Each event topic is read once: records that are not events, events with
 * numbers beyond a double and events too far in the future go to {@code events.dlq} ({@link EventScreen}); repeated
 * ids are counted once (a copy of each repeat goes to {@code events.duplicates}); and every metric on the type keeps
 * its buckets per group, publishing changed buckets and revisions to {@code aggregates} and a copy of each late event
 * to {@code events.late}; a metric with sinks also publishes its final buckets whole to its sink topics.
 */
public final class MetricsTopology {

    public static final Serde<CanonicalEvent> EVENTS = JsonSerde.of(CanonicalEvent.class);
    static final Serde<StoredBucket> STORED = new StoredBucketSerde();
    static final Serde<BucketUpdate> UPDATES = JsonSerde.of(BucketUpdate.class);
    static final Serde<SinkKey> SINK_KEYS = JsonSerde.of(SinkKey.class);
    static final Serde<SinkBucket> SINK_BUCKETS = JsonSerde.of(SinkBucket.class);
    static final Serde<PublishedBucket> PUBLISHED = JsonSerde.of(PublishedBucket.class);

    private final Pipeline pipeline;
    private final TopologySettings settings;
    private final Clock clock;
    private final MeterRegistry registry;

    public MetricsTopology(Pipeline pipeline, TopologySettings settings, Clock clock, MeterRegistry registry) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        for (EventType type : pipeline.eventTypes().values()) {
            List<Metric> metrics = pipeline.metricsOf(type.name());
            if (!metrics.isEmpty()) {
                events(builder, type, metrics);
            }
        }
        return builder.build();
    }

    private void events(StreamsBuilder builder, EventType type, List<Metric> metrics) {
        String name = type.name();
        EventTimeExtractor time = new EventTimeExtractor(clock, settings.maxFutureSkew());
        KStream<String, Incoming> incoming = builder.stream(Topics.events(name),
                Consumed.with(Serdes.String(), Incoming.SERDE).withTimestampExtractor(time).withName(name + "-events"));
        var future = registry.counter("pulse.aggregation.future.events", "type", name);
        var poison = registry.counter("pulse.aggregation.poison.records", "type", name);
        Map<String, KStream<String, Screened>> branches = incoming
                .processValues(() -> new EventScreen(name, type.id().isPresent(), time, clock, future, poison), Named.as(name + "-screen"))
                .split(Named.as(name + "-"))
                .branch((key, screened) -> screened.refusal() != null, Branched.withConsumer(refused -> refused
                        .process(() -> new DeadLetterRecord(name, clock), Named.as(name + "-dead-letter"))
                        .to(Topics.DLQ, Produced.with(Serdes.String(), Serdes.String()).withName(name + "-to-dlq")),
                        "refused"))
                .defaultBranch(Branched.as("current"));
        KStream<String, CanonicalEvent> current = branches.get(name + "-current")
                .mapValues(Screened::event, Named.as(name + "-event"));
        if (type.id().isPresent()) {
            Map<String, KStream<String, Seen>> seen = current.processValues(duplicateFilter(type), Named.as(name + "-dedup"))
                    .split(Named.as(name + "-seen-"))
                    .branch((key, s) -> s.repeat(), Branched.withConsumer(repeats -> repeats
                            .mapValues(s -> Json.writeString(s.event()), Named.as(name + "-duplicate-json"))
                            .to(Topics.DUPLICATES, Produced.with(Serdes.String(), Serdes.String())
                                    .withName(name + "-to-duplicates")), "repeat"))
                    .defaultBranch(Branched.as("new"));
            current = seen.get(name + "-seen-new").mapValues(Seen::event, Named.as(name + "-new"));
        }
        for (Metric metric : metrics) {
            buckets(current, type, metric);
        }
    }

    private FixedKeyProcessorSupplier<String, CanonicalEvent, Seen> duplicateFilter(EventType type) {
        String store = StateNames.seenIds(type);
        var duplicates = registry.counter("pulse.aggregation.duplicates", "type", type.name());
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public DuplicateFilter get() {
                return new DuplicateFilter(store, settings.duplicateHorizon(), duplicates);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Kept three horizons: a slot starts up to a horizon before its ids' event times, and ids within a
                // horizon behind the latest ones must still be found.
                return Set.of(Stores.windowStoreBuilder(Stores.persistentWindowStore(store,
                                settings.duplicateHorizon().multipliedBy(3), settings.duplicateHorizon(), false),
                        Serdes.String(), Serdes.Long()));
            }
        };
    }

    private void buckets(KStream<String, CanonicalEvent> events, EventType type, Metric metric) {
        String name = metric.name();
        // A grouping that includes the partition key keeps every group on one partition (ingest keys each event by
        // that field's value, which it requires), in the order ingest wrote it. Any other grouping needs a
        // repartition topic, where events from different partitions interleave; each is tagged with its partition,
        // so that buckets close by the slowest partition's event time (EventClock).
        boolean byPartitionKey = type.key().map(key -> metric.groupBy().contains(key)).orElse(false);
        KStream<String, CanonicalEvent> grouped = byPartitionKey ? events
                : events.processValues(SourcePartition::new, Named.as(name + "-tag-source"))
                        .selectKey((key, event) -> Json.writeString(BucketProcessor.group(metric, event)),
                                Named.as(name + "-group"))
                        .repartition(Repartitioned.<String, CanonicalEvent>as(StateNames.byGroup(metric))
                                .withKeySerde(Serdes.String()).withValueSerde(EVENTS));
        KStream<String, Emitted> emitted = grouped.process(bucketProcessor(metric, !byPartitionKey),
                Named.as(name + "-buckets-processor"));
        emitted.split(Named.as(name + "-emitted-"))
                .branch((key, e) -> e instanceof Emitted.Late, Branched.withConsumer(late -> late
                        .mapValues(e -> Json.writeString(((Emitted.Late) e).late()), Named.as(name + "-late-json"))
                        .to(Topics.LATE, Produced.with(Serdes.String(), Serdes.String()).withName(name + "-to-late")),
                        "late"))
                .defaultBranch(Branched.withConsumer(emittedUpdates -> {
                    KStream<String, BucketUpdate> updates = emittedUpdates
                            .mapValues(e -> ((Emitted.Update) e).update(), Named.as(name + "-update"));
                    updates.to(Topics.AGGREGATES, Produced.with(Serdes.String(), UPDATES)
                            .withName(name + "-to-aggregates").withStreamPartitioner(new BucketPartitioner()));
                    if (!metric.sinkTopics().isEmpty()) {
                        sinks(updates, metric);
                    }
                }, "updates"));
    }

    /**
     * Beside {@code aggregates}, in the bucket processor's sub-topology: its task owns every update of a bucket, and
     * the sink store commits with the records in the same transaction.
     */
    private void sinks(KStream<String, BucketUpdate> updates, Metric metric) {
        String name = metric.name();
        KStream<SinkKey, SinkBucket> records = updates.process(sinkPublisher(metric), Named.as(name + "-sink-publisher"));
        for (String topic : metric.sinkTopics()) {
            Counter written = Counter.builder("pulse.aggregation.sink.records").tags("metric", name, "topic", topic)
                    .description("Records of final buckets handed to the producer for a sink topic. A transaction "
                            + "that aborts (a crash, a rebalance) is processed again and its records counted again, "
                            + "so this can exceed the records committed on the topic.")
                    .register(registry);
            records.peek((key, value) -> written.increment(), Named.as(name + "-count-" + topic))
                    .to(topic, Produced.with(SINK_KEYS, SINK_BUCKETS).withName(name + "-to-" + topic));
        }
    }

    private ProcessorSupplier<String, BucketUpdate, SinkKey, SinkBucket> sinkPublisher(Metric metric) {
        String store = StateNames.sinkPublished(metric);
        return new ProcessorSupplier<>() {
            @Override
            public SinkPublisher get() {
                return new SinkPublisher(metric, store);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // JSON, unlike the bucket store: written once per publication of a final bucket, not per event.
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                        PUBLISHED));
            }
        };
    }

    private ProcessorSupplier<String, CanonicalEvent, String, Emitted> bucketProcessor(Metric metric, boolean repartitioned) {
        BucketStores stores = StateNames.buckets(metric);
        var aggregated = registry.counter("pulse.aggregation.events", "metric", metric.name(), "outcome", "aggregated");
        var late = registry.counter("pulse.aggregation.events", "metric", metric.name(), "outcome", "late");
        return new ProcessorSupplier<>() {
            @Override
            public BucketProcessor get() {
                return new BucketProcessor(metric, stores, repartitioned, settings.emitInterval(), aggregated, late);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        BucketCache.in(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.buckets()),
                                Serdes.String(), STORED).withCachingEnabled()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.changed()), Serdes.String(),
                                Serdes.Long()).withCachingEnabled(),
                        BucketCache.in(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.revisions()),
                                Serdes.String(), STORED).withCachingEnabled()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.sourceClocks()),
                                Serdes.Integer(), Serdes.Long()).withCachingEnabled());
            }
        };
    }
}
