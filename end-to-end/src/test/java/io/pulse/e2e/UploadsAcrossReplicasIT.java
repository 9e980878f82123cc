package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import io.pulse.stack.testing.TopicReader;
import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two ingest replicas behind one address: an upload received by one is answered for, and its progress pushed, by
 * the other; the same file sent again through the other is the earlier upload and counts once.
 */
class UploadsAcrossReplicasIT {

    private static final int ROWS = 300_000;
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    private static ServiceProcess second;

    @BeforeAll
    static void start() {
        second = platform.stack().startInstance(Service.INGEST, Ports.free(), "ingest-2", System.out);
    }

    private static HttpResponse<String> upload(String ingest, Path file) throws Exception {
        return HTTP.send(TestStacks.request(URI.create(ingest + "/v1/uploads/song_play"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eitherReplicaAnswersForAnUploadAndTheSameFileCountsOnce() throws Exception {
        // The file and, computed from it here, what the plays metric must answer per song.
        Random random = new Random(7);
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> sums = new TreeMap<>();
        Path file = platform.data().resolve("plays.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("Song,Date,Number of Plays\n");
            for (int i = 0; i < ROWS; i++) {
                String song = "Song " + random.nextInt(25);
                LocalDate date = LocalDate.of(2024, 3, 1).plusDays(random.nextInt(20));
                long plays = 1 + random.nextInt(1000);
                out.write(song + "," + date + "," + plays + "\n");
                counts.merge(song, 1L, Long::sum);
                sums.merge(song, plays, Long::sum);
            }
        }
        String first = platform.stack().url(Service.INGEST);
        String other = second.url();

        HttpResponse<String> received = upload(first, file);
        assertThat(received.statusCode()).as(received.body()).isEqualTo(202);
        String id = Json.read(received.body(), JsonNode.class).path("upload_id").asText();

        // The other replica knows it at once: its status, then its progress pushed until the end.
        HttpResponse<String> status = HTTP.send(TestStacks.request(URI.create(other + "/v1/uploads/" + id))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(Json.read(status.body(), JsonNode.class).path("upload_id").asText()).isEqualTo(id);
        HttpResponse<Stream<String>> events = HTTP.send(TestStacks.request(
                URI.create(other + "/v1/uploads/" + id + "/events")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(events.statusCode()).isEqualTo(200);
        List<JsonNode> pushed = events.body().filter(l -> l.startsWith("data:"))
                .map(l -> Json.read(l.substring(5), JsonNode.class)).toList();
        assertThat(pushed).extracting(p -> p.path("state").asText()).as("progress while it was read").contains("processing");
        assertThat(pushed).extracting(p -> p.path("rows_read").asLong()).isSorted();
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.path("state").asText()).as(last.toString()).isEqualTo("done");
        assertThat(last.path("accepted").asLong()).isEqualTo(ROWS);

        // The same file through the other replica: the earlier upload answers, nothing is read again.
        HttpResponse<String> again = upload(other, file);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode repeat = Json.read(again.body(), JsonNode.class);
        assertThat(repeat.path("upload_id").asText()).isEqualTo(id);
        assertThat(repeat.path("duplicate").asBoolean()).isTrue();
        assertThat(again.headers().firstValue("Location")).hasValue("/v1/uploads/" + id);

        // Sent twice, acknowledged once, counted once.
        assertThat(TopicReader.readAll(platform.stack().kafkaBootstrapServers(), Topics.events("song_play"))).hasSize(ROWS);
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(perSong("count")).isEqualTo(counts);
            assertThat(perSong("sum")).isEqualTo(sums);
        });
    }

    private static Map<String, Long> perSong(String agg) {
        JsonNode top = platform.client().query("/v1/metrics/plays/top?agg=" + agg + "&k=100&from=2024-01-01&to=2025-01-01");
        Map<String, Long> answered = new TreeMap<>();
        for (JsonNode r : top.path("top")) {
            answered.put(r.path("group").path("Song").asText(), r.path("value").asLong());
        }
        return answered;
    }
}
