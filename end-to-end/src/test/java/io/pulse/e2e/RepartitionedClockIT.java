package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pulse.common.Topics;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import io.pulse.stack.testing.TopicReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metric grouped without the partition key (the bundled {@code unique_users}: one count over all frames) reads its
 * events through a repartition topic, where partitions interleave. While one partition is far ahead of another in
 * event time, as while a backlog is read, the other's events must still be on time: buckets close by the slowest
 * partition's event time. Real broker, packaged aggregation service, frames written to chosen partitions.
 */
class RepartitionedClockIT {

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path data;

    @Test
    void aPartitionBehindAnotherKeepsItsEventsOnTimeUntilItCatchesUp() {
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), Ports.free(), Ports.free())) {
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
            Path jar = TestStacks.HOME.resolve("aggregation-service/target/quarkus-app/quarkus-run.jar");
            try (ServiceProcess aggregation = ServiceProcess.start(Service.AGGREGATION, jar, Ports.free(),
                    Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                            "kafka-streams.state.dir", data.resolve("state").toString(),
                            "quarkus.http.host", "127.0.0.1", "quarkus.log.level", "WARN"),
                    List.of("-Xmx256m"), new PrintStream(OutputStream.nullOutputStream()));
                 var producer = new KafkaProducer<>(Map.<String, Object>of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                         ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                aggregation.awaitReady(Duration.ofMinutes(3));
                UniqueUsers buckets = new UniqueUsers(broker.bootstrapServers());
                Frames frames = new Frames(producer);

                // Both partitions heard from in the first minute.
                frames.send(0, "ann", T0);
                frames.send(1, "bob", T0.plusSeconds(1));
                buckets.awaitBucket(T0, b -> b.count() == 2);

                // Partition 0 runs twenty minutes ahead, four times the allowed lateness of five.
                for (int m = 1; m <= 20; m++) {
                    frames.send(0, "ann" + m, T0.plus(MINUTE.multipliedBy(m)));
                }
                buckets.awaitBucket(T0.plus(MINUTE.multipliedBy(20)), b -> b.count() == 1);

                // Partition 1 goes on where it was, in minute 1: on time, the clock waits for it.
                frames.send(1, "cid", T0.plus(MINUTE).plusSeconds(2));
                Bucket minute1 = buckets.awaitBucket(T0.plus(MINUTE), b -> b.count() == 2);
                assertThat(minute1.late()).isZero();
                assertThat(minute1.isFinal()).isFalse();

                // Partition 1 catches up: every bucket ending five minutes before minute 20 closes, minute 1 included.
                frames.send(1, "dan", T0.plus(MINUTE.multipliedBy(20)).plusSeconds(3));
                buckets.awaitBucket(T0.plus(MINUTE), b -> b.isFinal() && b.count() == 2 && b.late() == 0);

                // Now an event of partition 1 in minute 13 (final since minute 19, still kept) is late: counted in the
                // bucket, and counted as late.
                Instant minute13 = T0.plus(MINUTE.multipliedBy(13));
                frames.send(1, "eve", minute13.plusSeconds(4));
                buckets.awaitBucket(minute13, b -> b.late() == 1 && b.count() == 2 && b.isFinal());
            }
        }
    }

    /** Canonical frames, as ingest writes them, each to the partition given. */
    private record Frames(KafkaProducer<String, String> producer) {
        void send(int partition, String uid, Instant at) {
            var attrs = JsonNodeFactory.instance.objectNode().put("ts", at.getEpochSecond()).put("uid", uid);
            producer.send(new ProducerRecord<>(Topics.events("frame"), partition, uid,
                    Json.writeString(new CanonicalEvent(null, "frame", at.toEpochMilli(), attrs))));
            producer.flush();
        }
    }

    private record Bucket(long count, long late, boolean isFinal) {
    }

    /** The latest value of each {@code unique_users} bucket on {@code aggregates}, read as plain JSON. */
    private record UniqueUsers(String bootstrapServers) {

        Bucket awaitBucket(Instant start, Predicate<Bucket> condition) {
            Map<Instant, Bucket> latest = new HashMap<>();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (var record : TopicReader.readAll(bootstrapServers, Topics.AGGREGATES)) {
                    JsonNode update = Json.read(record.value(), JsonNode.class);
                    if (update.path("metric").asText().equals("unique_users")) {
                        latest.put(Instant.parse(update.path("start").asText()), new Bucket(
                                update.path("bucket").path("count").asLong(), update.path("bucket").path("late").asLong(),
                                update.path("final").asBoolean()));
                    }
                }
                assertThat(latest.get(start)).as("unique_users at " + start).matches(b -> b != null && condition.test(b));
            });
            return latest.get(start);
        }
    }
}
