package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import io.pulse.stack.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records that are not Pulse events land on an event topic while song plays flow: bytes that are not JSON, and an
 * event whose number of plays is beyond a double, written by a producer other than ingest. Each must become a dead
 * letter naming its record, and the aggregation must go on: every acknowledged play counted once, none of the
 * poison.
 */
class PoisonRecordIT {

    private static final int REQUESTS = 60;
    private static final int EVENTS_PER_REQUEST = 200;

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void poisonRecordsAreDeadLetteredAndEveryAcknowledgedPlayCountsOnce() throws Exception {
        ResentPlays plays = new ResentPlays("poison", REQUESTS, EVENTS_PER_REQUEST, 0);
        plays.start(() -> platform.stack().url(Service.INGEST), 2);
        await().atMost(Duration.ofMinutes(2)).until(() -> plays.acknowledgedRequests.get() >= REQUESTS / 3);
        long ts = ResentPlays.FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        String infinite = "{\"id\": \"p-1\", \"type\": \"song_play\", \"ts\": " + ts + ", \"attrs\": {\"Song\": "
                + "\"poison-0\", \"Date\": \"" + ResentPlays.FIRST_DAY + "\", \"Number of Plays\": 1e999}}";
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.events("song_play"), "poison-0",
                    "not an event".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.events("song_play"), "poison-0",
                    infinite.getBytes(StandardCharsets.UTF_8))).get();
        }
        plays.awaitAcknowledged();

        long total = plays.total();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> plays.countedTotal(platform.client()) >= total);
        Thread.sleep(5_000); // a record still on its way would show as a count above the expected one
        Map<String, Long> counted = plays.counted(platform.client());
        long aggregated = counted.values().stream().mapToLong(Long::longValue).sum();

        List<JsonNode> letters = TopicReader.readAll(platform.stack().kafkaBootstrapServers(), Topics.DLQ).stream()
                .map(ConsumerRecord::value).map(v -> Json.read(v, JsonNode.class))
                .filter(l -> l.path("source").asText().startsWith("aggregation-service events.song_play")).toList();
        double poisonCounted = poisonCounter();
        System.out.printf("[poison record] events sent %d, acknowledged %d, aggregated %d; poison records 2, "
                        + "dead-lettered by the aggregation %d, its counter %.0f%n", plays.eventsSent.get(),
                plays.acknowledgedEvents.get(), aggregated, letters.size(), poisonCounted);
        assertThat(counted).isEqualTo(plays.expected());
        assertThat(aggregated).isEqualTo(total);
        assertThat(letters).extracting(l -> l.path("raw").asText()).containsExactlyInAnyOrder("not an event", infinite);
        assertThat(letters).extracting(l -> l.path("reasons").path(0).path("field").asText())
                .containsExactlyInAnyOrder("", "/attrs/Number of Plays");
        assertThat(poisonCounted).as("one aggregation process saw both: it never restarted").isEqualTo(2);
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.stack().kafkaBootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** pulse_aggregation_poison_records_total of song_play, from the aggregation service's Prometheus endpoint. */
    private static double poisonCounter() throws Exception {
        String metrics = HttpClient.newHttpClient().send(TestStacks.request(
                URI.create(platform.stack().managementUrl(Service.AGGREGATION) + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("pulse_aggregation_poison_records_total{")
                        && l.contains("type=\"song_play\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
