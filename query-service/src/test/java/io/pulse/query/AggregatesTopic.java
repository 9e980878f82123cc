package io.pulse.query;

import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.KafkaResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes bucket updates on the test broker's {@code aggregates} topic, keyed as the aggregation service does. */
public final class AggregatesTopic {

    private AggregatesTopic() {
    }

    public static void publish(List<BucketUpdate> updates) {
        send(updates.stream().map(u -> new ProducerRecord<>(Topics.AGGREGATES, u.recordKey(), Json.writeString(u))).toList());
    }

    /** Sends {@code values} to another topic, unkeyed. */
    public static void send(String topic, List<String> values) {
        send(values.stream().map(v -> new ProducerRecord<String, String>(topic, null, v)).toList());
    }

    private static void send(List<ProducerRecord<String, String>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            var sent = records.stream().map(producer::send).toList();
            for (var s : sent) {
                s.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take a record", e);
        }
    }
}
