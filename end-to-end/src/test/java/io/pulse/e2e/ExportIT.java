package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.cli.PulseCli;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import picocli.CommandLine;

/**
 * The song-plays job's file of a million song-and-date rows, exported by the packaged query service with a heap
 * smaller than the file, compared row by row with sums worked out here over the plays the test generated. The plays'
 * buckets are written straight into the service's PostgreSQL tables: aggregating a million plays through ingest and
 * Kafka is what {@code FiveWorkloadsIT} and the benchmarks do, here it would take most of the run. Then clients that
 * leave mid-export must give their slots back at once.
 */
class ExportIT {

    private static final int SONGS = Integer.getInteger("export.songs", 20_000);
    private static final int DATES = Integer.getInteger("export.dates", 50);
    private static final LocalDate FIRST = LocalDate.parse("2019-01-01");
    /** Every this many songs also have a second play on each date, which the export must add up. */
    private static final int TWICE_EVERY = 7;
    private static final int HEAP_MB = 64;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path data;

    private static KafkaBroker broker;
    private static PostgresServer postgres;
    private static ServiceProcess smallQuery;
    /** The plays of song s on date d, summed over the generated plays. */
    private static long[][] expected;

    /** Long names, so the export's text is larger than the heap of the service that writes it. */
    private static String song(int s) {
        return String.format(Locale.ROOT, "Song %05d from the collected recordings of a band with a long name", s);
    }

    @BeforeAll
    static void start() throws Exception {
        int kafkaPort = Ports.free();
        while (!Ports.isFree(kafkaPort + 1)) { // the KRaft controller takes the next port
            kafkaPort = Ports.free();
        }
        broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort, kafkaPort + 1);
        TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
        postgres = PostgresServer.start(data.resolve("postgres"), 0);
        smallQuery = ServiceProcess.start(Service.QUERY,
                TestStacks.HOME.resolve("query-service/target/quarkus-app/quarkus-run.jar"), Ports.free(),
                Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                        "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                        "quarkus.datasource.username", PostgresServer.USER,
                        "quarkus.datasource.password", PostgresServer.PASSWORD,
                        "quarkus.http.host", "127.0.0.1"),
                List.of("-Xmx" + HEAP_MB + "m", "-XX:+ExitOnOutOfMemoryError"), System.out);
        smallQuery.awaitReady(Duration.ofSeconds(180)); // its migrations made the tables
        expected = new long[SONGS][DATES];
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bucket (metric, group_key, bucket_start, bucket_end, "
                    + "event_count, value_sum, is_final, updated_at) FROM STDIN WITH (FORMAT csv)", buckets());
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE bucket");
            }
        }
    }

    /** The plays, one bucket per song and date as the store keeps them, as CSV rows of the bucket table. */
    private static InputStream buckets() throws IOException {
        Path file = data.resolve("buckets.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int s = 0; s < SONGS; s++) {
                String key = "\"{\"\"Song\"\":\"\"" + song(s) + "\"\"}\"";
                for (int d = 0; d < DATES; d++) {
                    int plays = s % TWICE_EVERY == 0 ? 2 : 1;
                    for (int copy = 0; copy < plays; copy++) {
                        expected[s][d] += 1 + Math.floorMod(s * 31L + d * 17L + copy * 5L, 500);
                    }
                    out.write("plays," + key + "," + FIRST.plusDays(d) + "T00:00:00Z," + FIRST.plusDays(d + 1)
                            + "T00:00:00Z," + plays + "," + expected[s][d] + ",true,2019-03-01T00:00:00Z\n");
                }
            }
        }
        return Files.newInputStream(file);
    }

    @AfterAll
    static void stop() {
        if (smallQuery != null) {
            smallQuery.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String line(int s, int d) {
        String song = song(s);
        return song + "," + FIRST.plusDays(d) + "," + expected[s][d];
    }

    @Test
    void theJobsFileOfAMillionRowsComesThroughAServiceWithASmallerHeap() throws Exception {
        Path file = data.resolve("export.csv");
        StringWriter err = new StringWriter();
        CommandLine cli = PulseCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("export", "plays", "--data-dir", TestStacks.keyDir().toString(), "--agg", "sum", "--step", "1d", "--group-by", "Song",
                "--columns", "Song,Date,Total Number of Plays for Date", "--output", file.toString(),
                "--query", smallQuery.url());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains(String.format(Locale.ROOT, "exported %,d rows of plays", (long) SONGS * DATES));
        assertThat(Files.size(file)).as("the export's size").isGreaterThan(HEAP_MB * 1024L * 1024L);
        assertThat(smallQuery.isAlive()).isTrue();
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            assertThat(lines.readLine()).isEqualTo("Song,Date,Total Number of Plays for Date");
            for (int s = 0; s < SONGS; s++) {
                for (int d = 0; d < DATES; d++) {
                    assertThat(lines.readLine()).isEqualTo(line(s, d));
                }
            }
            assertThat(lines.readLine()).isNull();
        }
    }

    private static URI export(String query) {
        return URI.create(smallQuery.url() + "/v1/metrics/plays/export?agg=sum&step=1d&group_by=Song" + query);
    }

    /** Starts a whole export, reads a few rows of it and leaves, closing the connection. */
    private static void readAFewRowsAndLeave() throws Exception {
        HttpResponse<InputStream> answer = HTTP.send(TestStacks.request(export("")).header("Accept", "text/csv").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        try (InputStream body = answer.body()) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (int i = 0; i < 1000; i++) {
                assertThat(lines.readLine()).isNotNull();
            }
        }
    }

    @Test
    void clientsThatLeaveMidExportFreeTheirSlotsAndConnections() throws Exception {
        CompletableFuture<Void> first = CompletableFuture.runAsync(ExportIT::leaveQuietly);
        CompletableFuture<Void> second = CompletableFuture.runAsync(ExportIT::leaveQuietly);
        CompletableFuture.allOf(first, second).get();
        // Two exports right after, at once: both are admitted well before either abandoned export could have run to
        // its end, so the slots came back when their clients left.
        int s = SONGS / 2;
        String one = "&where=Song:" + URLEncoder.encode(song(s), StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            CompletableFuture<HttpResponse<String>> a = HTTP.sendAsync(TestStacks.request(export(one))
                    .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> b = HTTP.sendAsync(TestStacks.request(export(one))
                    .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
            for (HttpResponse<String> answer : List.of(a.get(), b.get())) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                String[] rows = answer.body().split("\r\n");
                assertThat(rows).hasSize(DATES + 1);
                for (int d = 0; d < DATES; d++) {
                    assertThat(rows[d + 1]).isEqualTo(line(s, d));
                }
            }
        });
        assertThat(smallQuery.isAlive()).isTrue();
        JsonNode health = Json.read(HTTP.send(TestStacks.request(URI.create(smallQuery.managementUrl() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body(), JsonNode.class);
        assertThat(health.path("status").asText()).isEqualTo("UP");
    }

    private static void leaveQuietly() {
        try {
            readAFewRowsAndLeave();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
