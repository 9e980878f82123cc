package io.pulse.stack.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads back what is on a topic now, from the real broker: the check that tests make of what services produced. */
public final class TopicReader {

    private TopicReader() {
    }

    /** Every committed record on the topic up to its current end, in partition order. */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        read(bootstrapServers, topic, Duration.ofSeconds(30), records::add);
        return records;
    }

    /**
     * How many committed records the topic holds up to its current end. Unlike the sum of end offsets, this leaves
     * out the markers that transactions write and the records of aborted transactions.
     */
    public static long count(String bootstrapServers, String topic) {
        LongAdder records = new LongAdder();
        read(bootstrapServers, topic, Duration.ofMinutes(3), record -> records.increment());
        return records.sum();
    }

    private static void read(String bootstrapServers, String topic, Duration limit,
            Consumer<ConsumerRecord<String, String>> each) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + limit.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + limit);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
