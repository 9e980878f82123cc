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
import io.pulse.stack.testing.TopicReader;
import java.io.BufferedWriter;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads are streamed, never held whole: the packaged ingest service runs as a child process with a heap limit and
 * takes a file several times that size, every row of which must land on Kafka. Then a restart mid-upload must
 * leave that upload reported as failed.
 */
class UploadLargerThanHeapIT {

    private static final int HEAP_MB = 64;
    private static final long FILE_BYTES = 5L * HEAP_MB * 1024 * 1024;
    /** One line in this many is invalid (a negative duration), to check rejections are kept at scale too. */
    private static final int BAD_EVERY = 100_000;
    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient(); // tries an h2c upgrade: the service must refuse it and stream

    @TempDir
    static Path data;

    private static KafkaBroker broker;
    private static ServiceProcess ingest;
    private static int port;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(data.resolve("kafka"), Ports.free(), Ports.free());
        TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
        port = Ports.free();
        ingest = startIngest();
    }

    private static ServiceProcess startIngest() {
        ServiceProcess process = ServiceProcess.start(Service.INGEST,
                HOME.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), port,
                Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                        "pulse.ingest.uploads.directory", data.resolve("uploads").toString(),
                        "quarkus.http.host", "127.0.0.1"),
                List.of("-Xmx" + HEAP_MB + "m", "-XX:+ExitOnOutOfMemoryError"), System.out);
        process.awaitReady(Duration.ofSeconds(60));
        return process;
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Writes NDJSON lines of about 220 bytes until the file reaches FILE_BYTES; returns how many lines it holds. */
    private static long writeFile(Path file) throws IOException {
        long lines = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            while (Files.size(file) < FILE_BYTES || lines % 10_000 != 0) {
                lines++;
                int duration = lines % BAD_EVERY == 0 ? -1 : (int) (lines % 97);
                out.write("{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"translation_id\": \"" + lines
                        + "\", \"source_language\": \"en\", \"target_language\": \"fr\", \"client_name\": \"client-"
                        + (lines % 50) + "\", \"event_name\": \"translation_delivered\", \"nr_words\": 30, "
                        + "\"duration\": " + duration + "}\n");
                if (lines % 10_000 == 0) {
                    out.flush();
                }
            }
        }
        return lines;
    }

    /** @param repeat whether the file was uploaded before and must be read again all the same */
    private static String upload(Path file, boolean repeat) throws Exception {
        HttpResponse<String> answer = HTTP.send(TestStacks.request(URI.create(ingest.url()
                        + "/v1/uploads/translation_delivered" + (repeat ? "?repeat=true" : "")))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return Json.read(answer.body(), JsonNode.class).path("upload_id").asText();
    }

    @Test
    void aFileFiveTimesTheHeapIsStreamedToKafkaWithPushedProgress() throws Exception {
        Path file = data.resolve("big.ndjson");
        long lines = writeFile(file);
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(5L * HEAP_MB * 1024 * 1024);
        long bad = lines / BAD_EVERY;

        String id = upload(file, false);
        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(TestStacks.request(
                        URI.create(ingest.url() + "/v1/uploads/" + id + "/events")).header("Accept", "text/event-stream")
                .build(), HttpResponse.BodyHandlers.ofLines());
        List<JsonNode> pushed = stream.body().filter(l -> l.startsWith("data:"))
                .map(l -> Json.read(l.substring(5), JsonNode.class)).toList();

        assertThat(pushed.size()).as("progress pushed while the upload ran").isGreaterThan(2);
        assertThat(pushed).extracting(p -> p.path("rows_read").asLong()).isSorted();
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("state").asText()).as(last.toString()).isEqualTo("done");
        assertThat(last.path("rows_read").asLong()).isEqualTo(lines);
        assertThat(last.path("accepted").asLong()).isEqualTo(lines - bad);
        assertThat(last.path("rejected").asLong()).isEqualTo(bad);
        assertThat(ingest.isAlive()).isTrue();
        // A fresh broker: its committed records are exactly what the service stored.
        assertThat(TopicReader.count(broker.bootstrapServers(), Topics.events("translation_delivered")))
                .isEqualTo(lines - bad);
        assertThat(TopicReader.count(broker.bootstrapServers(), Topics.DLQ)).isEqualTo(bad);

        // A restart while an upload is in flight: the new process reports it failed, never done.
        String interrupted = upload(file, true);
        ingest.kill();
        ingest = startIngest();
        HttpResponse<String> status = HTTP.send(TestStacks.request(URI.create(ingest.url() + "/v1/uploads/"
                + interrupted)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode after = Json.read(status.body(), JsonNode.class);
        assertThat(after.path("state").asText()).isEqualTo("failed");
        assertThat(after.path("failure").asText()).contains("stopped before its end");
        assertThat(after.path("accepted").asLong()).isLessThan(lines - bad);
    }
}
