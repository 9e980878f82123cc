package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Not a test: a measurement, run only by the {@code benchmark} profile (see docs/benchmarks.md). Songs x days of
 * {@code plays} buckets (10 million by default) are written straight into PostgreSQL; then the packaged query
 * service exports them all as the song-plays job's CSV over HTTP, plain and gzipped, timed against PostgreSQL's own
 * {@code COPY (SELECT …) TO STDOUT} of the same rows from the same database in the same run, the physical limit.
 */
class ExportBenchmark {

    private static final int SONGS = Integer.getInteger("benchmark.songs", 200_000);
    private static final int DAYS = Integer.getInteger("benchmark.days", 50);
    private static final String FROM = "2019-01-01";
    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path data;

    /** Counts bytes and line ends of what passes through, keeping nothing. */
    private static final class Counting extends OutputStream {
        long bytes;
        long lines;

        @Override
        public void write(int b) {
            bytes++;
            if (b == '\n') {
                lines++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
            }
        }

        void drain(InputStream in) throws IOException {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                write(buffer, 0, n);
            }
        }
    }

    /** One measured run: rows (lines less the header) and bytes of the text, in seconds. */
    private record Run(String name, long rows, long bytes, long wireBytes, double seconds) {
        String line() {
            return String.format(Locale.ROOT, "  %-44s %,12d rows %9.1f s %,12.0f rows/s %7.1f MB/s  (%,.1f MB%s)", name,
                    rows, seconds, rows / seconds, bytes / 1e6 / seconds, bytes / 1e6,
                    wireBytes == bytes ? "" : String.format(Locale.ROOT, ", %,.1f MB sent", wireBytes / 1e6));
        }
    }

    @Test
    void exportTheJobsFileAgainstCopy() throws Exception {
        int kafkaPort = Ports.free();
        while (!Ports.isFree(kafkaPort + 1)) { // the KRaft controller takes the next port
            kafkaPort = Ports.free();
        }
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort, kafkaPort + 1);
             PostgresServer postgres = PostgresServer.start(data.resolve("postgres"), 0)) {
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
            int port = Ports.free();
            try (ServiceProcess query = ServiceProcess.start(Service.QUERY,
                    HOME.resolve("query-service/target/quarkus-app/quarkus-run.jar"), port,
                    Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                            "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                            "quarkus.datasource.username", PostgresServer.USER,
                            "quarkus.datasource.password", PostgresServer.PASSWORD,
                            "quarkus.http.host", "127.0.0.1", "quarkus.log.level", "WARN"),
                    List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"), System.out)) {
                query.awaitReady(Duration.ofSeconds(120)); // its migrations made the tables
                long rows = (long) SONGS * DAYS;
                double loadSeconds = load(postgres);
                String export = query.url() + "/v1/metrics/plays/export?agg=sum&step=1d&group_by=Song"
                        + "&columns=Song,Date,Total%20Number%20of%20Plays%20for%20Date";
                Run copy = copy(postgres);
                Run plain = http("export over HTTP, CSV", export, false);
                Run zipped = http("export over HTTP, CSV, gzip", export, true);
                Run copyAgain = copy(postgres);

                System.out.printf(Locale.ROOT, "%nExport benchmark: %,d rows (%,d songs x %d days of plays), buckets "
                        + "written in %.1f s%n", rows, SONGS, DAYS, loadSeconds);
                for (Run r : List.of(copy, plain, zipped, copyAgain)) {
                    System.out.println(r.line());
                }
                System.out.printf(Locale.ROOT, "  export / COPY: %.2f (plain), %.2f (gzip)%n%n",
                        plain.rows() / plain.seconds() / (copy.rows() / copy.seconds()),
                        zipped.rows() / zipped.seconds() / (copy.rows() / copy.seconds()));
                for (Run r : List.of(copy, plain, zipped)) {
                    assertThat(r.rows()).as(r.name()).isEqualTo(rows);
                }
                assertThat(query.isAlive()).isTrue();
            }
        }
    }

    /** Song s has 1 + (31 s + 17 d) mod 500 plays on day d, one bucket each; answers the seconds taken. */
    private static double load(PostgresServer postgres) throws Exception {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, "
                    + "event_count, value_sum, is_final, updated_at) SELECT 'plays', "
                    + "'{\"Song\":\"Song ' || lpad(i::text, 6, '0') || '\"}', ?::timestamptz + d * interval '1 day', "
                    + "?::timestamptz + (d + 1) * interval '1 day', 1, 1 + (31 * i + 17 * d) % 500, true, now() "
                    + "FROM generate_series(0, ?) i, generate_series(0, ?) d")) {
                s.setString(1, FROM + "T00:00:00Z");
                s.setString(2, FROM + "T00:00:00Z");
                s.setInt(3, SONGS - 1);
                s.setInt(4, DAYS - 1);
                s.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE bucket");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** PostgreSQL writing the same CSV itself: the song, the date and the plays, in the export's order. */
    private static Run copy(PostgresServer postgres) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)) {
            Counting out = new Counting();
            long start = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT group_key::jsonb ->> 'Song' AS \"Song\", "
                    + "(bucket_start AT TIME ZONE 'UTC')::date AS \"Date\", value_sum AS \"Total Number of Plays for Date\" "
                    + "FROM bucket WHERE metric = 'plays' ORDER BY group_key, bucket_start) TO STDOUT WITH (FORMAT csv, HEADER)",
                    out);
            return new Run("COPY (SELECT …) TO STDOUT, CSV", out.lines - 1, out.bytes, out.bytes,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static Run http(String name, String uri, boolean gzip) throws Exception {
        HttpRequest.Builder request = TestStacks.request(URI.create(uri)).header("Accept", "text/csv");
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        long start = System.nanoTime();
        HttpResponse<InputStream> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        Counting wire = new Counting();
        Counting text = new Counting();
        try (InputStream body = answer.body()) {
            InputStream counted = new java.io.FilterInputStream(body) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        wire.bytes += n;
                    }
                    return n;
                }
            };
            text.drain(gzip ? new GZIPInputStream(counted, 1 << 16) : counted);
        }
        return new Run(name, text.lines - 1, text.bytes, wire.bytes, (System.nanoTime() - start) / 1e9);
    }
}
