package io.pulse.stack.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {

    @TempDir
    Path dir;

    private static void write(ServiceLogs logs, String instance, String... lines) throws IOException {
        try (ServiceLogs.LineSink sink = logs.open(instance)) {
            for (String line : lines) {
                sink.line(line);
            }
        }
    }

    @Test
    void eachInstanceWritesItsOwnFileAndARestartAppends() throws IOException {
        LogFiles logs = new LogFiles(dir.resolve("logs"));
        write(logs, "ingest", "ingest started");
        write(logs, "query", "query started");
        write(logs, "ingest", "ingest restarted");

        assertThat(logs.file("ingest")).isEqualTo(dir.resolve("logs/ingest.log"));
        assertThat(Files.readAllLines(dir.resolve("logs/ingest.log"))).containsExactly("ingest started", "ingest restarted");
        assertThat(Files.readAllLines(dir.resolve("logs/query.log"))).containsExactly("query started");
    }

    @Test
    void aNewStackReplacesTheLogOfAnEarlierRun() throws IOException {
        write(new LogFiles(dir), "query", "earlier run");
        write(new LogFiles(dir), "query", "this run");

        assertThat(Files.readAllLines(dir.resolve("query.log"))).containsExactly("this run");
    }

    @Test
    void eachLineIsReadableBeforeTheSinkCloses() throws IOException {
        LogFiles logs = new LogFiles(dir);
        try (ServiceLogs.LineSink sink = logs.open("aggregation")) {
            sink.line("running");
            assertThat(Files.readAllLines(logs.file("aggregation"))).containsExactly("running");
        }
    }
}
