package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import io.pulse.stack.testing.RealShapedFrames;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: a measurement, run only by the {@code benchmark} profile (see docs/benchmarks.md).
 * NDJSON translation events of about 220 bytes go over HTTP through the packaged ingest service into Kafka, next to
 * a plain Kafka producer sending the same lines to the same topic of the same broker in the same run, with the
 * batching settings ingest uses but no transactions (ingest writes each request in one). The figures are reported as a ratio of the two. Then the same for real-shaped
 * frames ({@link RealShapedFrames}: about 2 KB each, nested fields, repeated keys, CRLF line ends), in frames and
 * MB per second: large events cost ingest by their bytes (parsing, validation, the copy to Kafka) more than by
 * their number.
 */
class IngestBenchmark {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 1_000_000);
    /** Real-shaped frames of about 2 KB: a tenth of the events by default, so both inputs are a few hundred MB. */
    private static final int FRAMES = Integer.getInteger("benchmark.frames", 100_000);
    private static final int WARM_UP = Integer.getInteger("benchmark.warm-up", 100_000);
    /** Events per POST: a batch a client would send, well under the 64 MiB body limit. */
    private static final int PER_REQUEST = Integer.getInteger("benchmark.per-request", 10_000);
    /**
     * Requests in flight at once, each on its own connection: while one waits for its body's next bytes or for
     * Kafka's acknowledgements, the others keep ingest busy, as many clients would.
     */
    private static final int SENDERS = Integer.getInteger("benchmark.senders", 4);
    /**
     * Rounds of the plain producer then the HTTP ingest, back to back: the producer sends a million records in one or
     * two seconds, so a single pair swings with whatever else the machine does; the median round's ratio does less.
     */
    private static final int ROUNDS = Math.max(1, Integer.getInteger("benchmark.rounds", 3));
    /** JVM options for the ingest service, e.g. {@code -XX:StartFlightRecording=filename=ingest.jfr} to profile it. */
    private static final String SERVICE_JVM_OPTIONS = System.getProperty("benchmark.service-jvm-options", "");
    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path data;

    /** Event {@code n}: about 220 bytes, one of 50 clients, a valid duration. */
    private static String line(long n) {
        return "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"translation_id\": \"" + String.format("%020d", n)
                + "\", \"source_language\": \"en\", \"target_language\": \"fr\", \"client_name\": \"client-"
                + (n % 50) + "\", \"event_name\": \"translation_delivered\", \"nr_words\": 30, \"duration\": "
                + (n % 97) + "}\n";
    }

    private static String client(long n) {
        return "client-" + (n % 50);
    }

    @Test
    void ndjsonOverHttpAgainstAPlainProducer() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), Ports.free(), Ports.free())) {
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
            // Both sides get their input ready-made, so neither timing includes making it.
            Input translations = translations();
            Input frames = frames();

            plainProducer(broker, translations, WARM_UP);
            int port = Ports.free();
            try (ServiceProcess ingest = ServiceProcess.start(Service.INGEST,
                    HOME.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), port,
                    Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                            "pulse.ingest.uploads.directory", data.resolve("uploads").toString(),
                            "quarkus.http.host", "127.0.0.1", "quarkus.log.level", "WARN"),
                    serviceJvmOptions(), new PrintStream(OutputStream.nullOutputStream()))) {
                ingest.awaitReady(Duration.ofSeconds(60));
                overHttp(ingest.url(), translations, WARM_UP);
                StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%nIngest benchmark: %d per "
                        + "request, %d concurrent senders%n", PER_REQUEST, SENDERS));
                rounds(broker, ingest, translations, "events", report);
                rounds(broker, ingest, frames, "frames", report);
                System.out.println(report);
            }
        }
    }

    /** The lines of one event type, ready to send, with the key each is sent under by the plain producer. */
    private record Input(String type, String description, byte[][] lines, String[] keys, long bytes) {
        int count() {
            return lines.length;
        }
    }

    private static Input translations() {
        byte[][] lines = new byte[EVENTS][];
        String[] keys = new String[EVENTS];
        long bytes = 0;
        for (int n = 0; n < EVENTS; n++) {
            lines[n] = line(n).getBytes(StandardCharsets.UTF_8);
            keys[n] = client(n);
            bytes += lines[n].length;
        }
        return new Input("translation_delivered", "translation_delivered events", lines, keys, bytes);
    }

    private static Input frames() {
        byte[][] lines = new byte[FRAMES][];
        String[] keys = new String[FRAMES];
        long bytes = 0;
        for (int n = 0; n < FRAMES; n++) {
            lines[n] = (RealShapedFrames.frame(n) + RealShapedFrames.LINE_END).getBytes(StandardCharsets.UTF_8);
            keys[n] = Json.read(lines[n], JsonNode.class).path("uid").asText();
            bytes += lines[n].length;
        }
        return new Input("frame", "real-shaped frames", lines, keys, bytes);
    }

    /** ROUNDS of the plain producer then HTTP ingest over the whole input, reported per round and as a median. */
    private static void rounds(KafkaBroker broker, ServiceProcess ingest, Input input, String unit, StringBuilder report)
            throws Exception {
        double mb = input.bytes() / 1e6;
        report.append(String.format(Locale.ROOT, "  %,d %s, %.1f MB of NDJSON (%.0f bytes each)%n", input.count(),
                input.description(), mb, (double) input.bytes() / input.count()));
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            double producerSeconds = plainProducer(broker, input, input.count());
            double httpSeconds = overHttp(ingest.url(), input, input.count());
            ratios.add(producerSeconds / httpSeconds);
            report.append(String.format(Locale.ROOT, "  round %d: plain Kafka producer %,10.0f %s/s %6.1f MB/s"
                            + " (%.1f s) | HTTP ingest %,10.0f %s/s %6.1f MB/s (%.1f s) | ratio %.2f%n", round,
                    input.count() / producerSeconds, unit, mb / producerSeconds, producerSeconds,
                    input.count() / httpSeconds, unit, mb / httpSeconds, httpSeconds, producerSeconds / httpSeconds));
        }
        Collections.sort(ratios);
        report.append(String.format(Locale.ROOT, "  %s: ratio ingest / producer, median of %d rounds: %.2f%n",
                input.description(), ROUNDS, ratios.get(ROUNDS / 2)));
    }

    private static List<String> serviceJvmOptions() {
        return SERVICE_JVM_OPTIONS.isBlank() ? List.of() : List.of(SERVICE_JVM_OPTIONS.trim().split("\\s+"));
    }

    /**
     * Seconds for a producer with ingest's batching settings to have Kafka acknowledge the first {@code count} lines;
     * not transactional, so the ratio includes what ingest's one transaction per request costs.
     */
    private static double plainProducer(KafkaBroker broker, Input input, int count) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AtomicLong failed = new AtomicLong();
        String topic = Topics.events(input.type());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (int n = 0; n < count; n++) {
                producer.send(new ProducerRecord<>(topic, input.keys()[n], input.lines()[n]), (m, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(failed.get()).isZero();
            return seconds;
        }
    }

    /**
     * Seconds for the first {@code count} lines to be answered 202 by ingest: NDJSON requests of PER_REQUEST lines,
     * made before timing, POSTed by SENDERS threads at once, each waiting for its 202 before sending its next.
     */
    private static double overHttp(String url, Input input, int count) throws Exception {
        byte[][] lines = input.lines();
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < count; from += PER_REQUEST) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int n = from; n < Math.min(count, from + PER_REQUEST); n++) {
                body.write(lines[n]);
            }
            bodies.add(body.toByteArray());
        }
        URI target = URI.create(url + "/v1/events/" + input.type());
        AtomicLong accepted = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long start = System.nanoTime();
        List<Future<?>> sent = new ArrayList<>();
        for (byte[] body : bodies) {
            sent.add(senders.submit(() -> {
                HttpResponse<String> answer = HTTP.send(TestStacks.request(target)
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                accepted.addAndGet(Json.read(answer.body(), JsonNode.class).path("accepted").asLong());
                return null;
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        senders.shutdown();
        assertThat(accepted.get()).isEqualTo(count);
        return seconds;
    }
}
