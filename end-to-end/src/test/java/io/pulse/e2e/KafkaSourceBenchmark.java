package io.pulse.e2e;

import io.pulse.common.json.Json;
import io.pulse.stack.LocalStack;
import io.pulse.stack.Ports;
import io.pulse.stack.StackConfig;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import io.pulse.stack.testing.PrometheusSamples;
import io.pulse.stack.testing.RealShapedFrames;
import io.pulse.stack.testing.TopicReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: a measurement, run only by the {@code benchmark} profile (see docs/benchmarks.md). Real-shaped frames
 * wait on the source topic {@code raw.frames} before ingest starts; then a plain consumer reads them all (as a
 * team's own consumer would, each value parsed as JSON), and ingest reads the same records as the source of
 * {@code frame}, validating each and writing it to {@code events.frame} in transactions with its offsets. Reported:
 * records per second of each (ingest's from ready to its last commit), and their ratio.
 */
class KafkaSourceBenchmark {

    private static final int FRAMES = Integer.getInteger("benchmark.frames", 200_000);
    private static final String SOURCE = "raw.frames";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    @Test
    void sourceNextToAPlainConsumer() throws Exception {
        String pipeline = TestStacks.HOME.resolve("end-to-end/src/test/resources/kafka-pipeline.yaml").toString();
        int kafka = Ports.free();
        while (!Ports.isFree(kafka + 1)) {
            kafka = Ports.free();
        }
        TestStacks.writeKey(data);
        int[] p = Ports.free(7, kafka, kafka + 1);
        try (LocalStack stack = LocalStack.start(new StackConfig(TestStacks.HOME, data, pipeline, 2, kafka, p[0], p[1],
                p[2], p[3], p[4], p[5], p[6], Set.of(Service.INGEST)), System.out)) {
            String bootstrap = stack.kafkaBootstrapServers();
            produce(bootstrap);
            double plain = plainConsumer(bootstrap);
            long started = System.nanoTime();
            ServiceProcess ingest = stack.startInstance(Service.INGEST, p[1], "ingest", System.out);
            double ready = (System.nanoTime() - started) / 1e9;
            while (committed(ingest) < FRAMES) {
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - started) / 1e9 - ready;
            double routed = FRAMES / seconds;
            if (TopicReader.count(bootstrap, "events.frame") != FRAMES) {
                throw new IllegalStateException("events.frame does not hold each frame once");
            }
            System.out.printf("[kafka-source] %,d real-shaped frames (about 2 KB) on %s, 2 partitions; load average %s%n",
                    FRAMES, SOURCE, loadAverage());
            System.out.printf("[kafka-source] plain consumer, JSON parsed:     %,10.0f records/s%n", plain);
            System.out.printf("[kafka-source] ingest source → events.frame:   %,10.0f records/s (after %.1f s to ready)%n",
                    routed, ready);
            System.out.printf("[kafka-source] ratio ingest / plain consumer:  %10.2f%n", routed / plain);
        }
    }

    /** The records ingest committed from its sources, as its metrics say. */
    private static long committed(ServiceProcess ingest) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.managementUrl() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return (long) PrometheusSamples.sum(metrics, "pulse_ingest_source_records_total");
    }

    private static void produce(String bootstrap) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = RealShapedFrames.START_SECONDS - RealShapedFrames.START_SECONDS % 60;
            for (int n = 0; n < FRAMES; n++) {
                String real = RealShapedFrames.frame(n);
                // a minute per 1,000 frames, of up to 900 users: exact distinct counts, many buckets
                String frame = "{\"ts\": " + (start + n * 60L / 1000) + ", \"uid\": \"u-" + (n * 7919L % 900) + "\""
                        + real.substring(real.indexOf(", \"channel\""));
                producer.send(new ProducerRecord<>(SOURCE, frame.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Reads every record of the source, parsing each value, as fast as one consumer can; records per second. */
    private static double plainConsumer(String bootstrap) throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        AtomicLong fields = new AtomicLong();
        long started = System.nanoTime();
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(SOURCE).stream()
                    .map(i -> new TopicPartition(SOURCE, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < FRAMES) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    fields.addAndGet(Json.MAPPER.readTree(record.value()).size());
                    read++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return FRAMES / seconds;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
