package io.pulse.ingest.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.event.FieldError;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.ingest.IngestConfig;
import io.pulse.ingest.intake.BodyReader;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.routing.DeliveryException;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes one poll's records of an event type's sources in one Kafka transaction, together with the consumer's
 * offsets past them: each record is validated as an HTTP item is and becomes one event or one dead letter, and
 * either all of them and the offsets are committed or none is. Counted as
 * {@code pulse.ingest.source.records{type, topic, outcome}} once committed, so a batch aborted and read again counts
 * once.
 */
final class SourceTransaction {

    private final EventType type;
    private final List<Metric> metrics;
    private final EventValidator validator;
    private final EventRouter router;
    private final MeterRegistry registry;
    private final IngestConfig config;

    SourceTransaction(EventType type, List<Metric> metrics, EventValidator validator, EventRouter router,
                      MeterRegistry registry, IngestConfig config) {
        this.type = type;
        this.metrics = metrics;
        this.validator = validator;
        this.router = router;
        this.registry = registry;
        this.config = config;
        // Exported at 0 from the start, so that a rate or an alert over them has a series before the first record.
        for (String topic : type.sourceTopics()) {
            counter(topic, "accepted");
            counter(topic, "dead_letter");
        }
    }

    /** Commits the records with the offsets, or throws with nothing of them committed. */
    void write(ConsumerRecords<byte[], byte[]> records, ConsumerGroupMetadata group)
            throws DeliveryException, InterruptedException {
        Instant received = Instant.now();
        Map<TopicPartition, ItemCollector> collectors = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try (EventRouter.Delivery delivery = router.request(type)) {
            for (TopicPartition partition : records.partitions()) {
                // the collector appends each record's offset: "kafka raw.frames partition 3 offset 1234"
                ItemCollector collector = new ItemCollector(type, metrics, validator, delivery, registry, received,
                        "kafka " + partition.topic() + " partition " + partition.partition() + " offset", 0);
                List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
                inPartition.forEach(record -> read(record, collector));
                collectors.put(partition, collector);
                offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
            }
            delivery.consumed(offsets, group);
            delivery.commit(config.ackTimeout());
        }
        collectors.forEach((partition, collector) -> {
            counter(partition.topic(), "accepted").increment(collector.accepted());
            counter(partition.topic(), "dead_letter").increment(collector.rejected());
        });
    }

    private static void read(ConsumerRecord<byte[], byte[]> record, ItemCollector collector) {
        if (record.value() == null) {
            collector.malformed(record.offset(), "", List.of(new FieldError("",
                    "the record has no value (a tombstone); a source record holds one event")));
        } else {
            BodyReader.readRecordValue(record.offset(), record.value(), collector);
        }
    }

    private Counter counter(String topic, String outcome) {
        return Counter.builder("pulse.ingest.source.records")
                .description("Records read from a Kafka source, committed as an event or a dead letter")
                .tag("type", type.name()).tag("topic", topic).tag("outcome", outcome).register(registry);
    }
}
