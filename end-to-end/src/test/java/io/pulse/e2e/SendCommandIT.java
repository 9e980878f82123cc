package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.cli.PulseCli;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./pulse send} against the packaged ingest service on a real broker: progress, report and exit codes. */
class SendCommandIT {

    @TempDir
    static Path data;

    private static KafkaBroker broker;
    private static ServiceProcess ingest;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(data.resolve("kafka"), Ports.free(), Ports.free());
        TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 1);
        ingest = ServiceProcess.start(Service.INGEST, TestStacks.HOME.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"),
                Ports.free(), Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                        "pulse.ingest.uploads.directory", data.resolve("uploads").toString(), "quarkus.http.host", "127.0.0.1"),
                List.of(), System.out);
        ingest.awaitReady(Duration.ofSeconds(60));
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

    record Run(int exitCode, String out, String err) {
    }

    private static Run send(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("send", "--data-dir", TestStacks.keyDir().toString()));
        all.addAll(List.of(args));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static String event(int i, String duration) {
        return "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"translation_id\": \"send-" + i + "\", \"source_language\": \"en\", "
                + "\"target_language\": \"fr\", \"client_name\": \"client-" + (i % 7) + "\", \"event_name\": \"translation_delivered\", "
                + "\"nr_words\": 30, \"duration\": " + duration + "}";
    }

    @Test
    void anNdjsonFileIsUploadedWithProgressAndReported() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            lines.add(event(i, String.valueOf(i % 90)));
        }
        Path file = Files.write(data.resolve("events.ndjson"), lines);

        Run run = send(file.toString(), "--type", "translation_delivered", "--ingest", ingest.url());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        // not a terminal here: progress as plain lines, the sending's last one at 100 %
        assertThat(run.out()).contains(String.format(java.util.Locale.ROOT, "sent %,d of %,d bytes (100%%)", Files.size(file), Files.size(file)));
        assertThat(run.out()).contains("done: 30,000 rows read (about 30,000 in the file), 30,000 accepted, 0 rejected");
        assertThat(run.out()).containsPattern("upload [0-9a-f-]{36} of events.ndjson as translation_delivered: done");
        assertThat(run.out()).contains("  rows read  30,000\n  accepted   30,000\n  rejected   0\n");
    }

    @Test
    void rejectedRowsAreListedByLineAndSetTheExitCode() throws IOException {
        Path file = Files.write(data.resolve("deliveries.csv"), List.of(
                "timestamp,translation_id,client_name,duration",
                "2018-12-26 18:11:08,csv-1,airliberty,20",
                "2018-12-26 18:12:08,csv-2,airliberty,-5",
                "2018-12-26 18:13:08,csv-3,taxi-eats,31",
                "2018-12-26 18:14:08,csv-4,taxi-eats,slow"));

        Run run = send(file.toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        System.out.println("./pulse send " + file.getFileName() + " --type translation_delivered\n" + run.out());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).contains("  rows read  4\n  accepted   2\n  rejected   2\n");
        // minutes of 2018: delivery_time's buckets closed long before
        assertThat(run.out()).contains("  backfill   2 accepted rows older than their metrics' allowed lateness");
        assertThat(run.out()).contains("  first rejected rows (by line of the file):\n    line 3 /duration: ");
        assertThat(run.out()).contains("    line 5 /duration: ");
    }

    @Test
    void aJsonArrayFileIsSentItemByItem() throws IOException {
        Path file = Files.write(data.resolve("deliveries.json"), List.of("[",
                "  " + event(10, "20") + ",",
                "  " + event(11, "\"slow\"") + ",",
                "  " + event(12, "31").replace(", ", ",\n    "),
                "]"));
        Run run = send(file.toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).contains("  rows read  3\n  accepted   2\n  rejected   1\n");
        assertThat(run.out()).contains("  first rejected events (by item of the file, from 1):\n    item 2 /duration: ");
    }

    @Test
    void aJsonFileOfOneObjectIsOneEvent() throws IOException {
        Path file = Files.write(data.resolve("single.json"), List.of(event(13, "20").replace(", ", ",\n  ")));
        Run run = send(file.toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("  rows read  1\n  accepted   1\n  rejected   0\n");
    }

    @Test
    void aJsonFileThatHoldsNoEventsIsOneClearLineAndNothingIsSent() throws IOException {
        String what = "; write a JSON array of objects, or one JSON object per line (NDJSON)" + System.lineSeparator();
        Run number = send(Files.write(data.resolve("number.json"), List.of("42")).toString(),
                "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(number.exitCode()).isEqualTo(2);
        assertThat(number.err()).isEqualTo("pulse: number.json holds no JSON events: it starts with 42" + what);
        assertThat(number.out()).isEmpty();

        Run text = send(Files.write(data.resolve("text.json"), List.of("\"events\"")).toString(),
                "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.err()).isEqualTo("pulse: text.json holds no JSON events: it starts with \"events\"" + what);

        Run broken = send(Files.write(data.resolve("broken.json"), List.of("[", event(14, "20") + ",",
                "{\"duration\": }", "]")).toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).startsWith("pulse: broken.json:3: not valid JSON at column 14: ");
        assertThat(broken.err().lines()).hasSize(1);
        assertThat(broken.out()).as("nothing was sent").isEmpty();
    }

    @Test
    void anUnknownTypeShowsTheServicesProblem() throws IOException {
        Path file = Files.write(data.resolve("one.ndjson"), List.of(event(1, "3")));
        Run run = send(file.toString(), "--type", "translation_deliverd", "--ingest", ingest.url());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("pulse: the upload was refused: Unknown event type (HTTP 404): no event type "
                + "'translation_deliverd' in the pipeline" + System.lineSeparator());
    }

    @Test
    void noRunningStackIsOneClearLine() throws IOException {
        Path file = Files.write(data.resolve("two.ndjson"), List.of(event(2, "3")));
        String nowhere = "http://127.0.0.1:" + Ports.free();
        Run run = send(file.toString(), "--type", "translation_delivered", "--ingest", nowhere);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("pulse: no ingest service answers at " + nowhere
                + "; start the stack with ./pulse up or point --ingest at it" + System.lineSeparator());
    }

    @Test
    void badFilesAndFormatsAreRefusedBeforeSending() throws IOException {
        Run missing = send(data.resolve("nope.ndjson").toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("pulse: " + data.resolve("nope.ndjson") + ": no such readable file" + System.lineSeparator());

        Path odd = Files.write(data.resolve("events.txt"), List.of(event(3, "3")));
        Run unknownFormat = send(odd.toString(), "--type", "translation_delivered", "--ingest", ingest.url());
        assertThat(unknownFormat.exitCode()).isEqualTo(2);
        assertThat(unknownFormat.err()).contains("cannot tell the format of events.txt from its extension; add --format csv, --format ndjson or --format json");

        Run named = send(odd.toString(), "--type", "translation_delivered", "--format", "ndjson", "--ingest", ingest.url());
        assertThat(named.exitCode()).isZero();
        assertThat(named.out()).contains("  rows read  1\n  accepted   1\n");
    }
}
