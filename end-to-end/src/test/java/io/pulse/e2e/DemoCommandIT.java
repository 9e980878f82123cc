package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pulse demo --exit} as a user runs it: the terminal shows the demo's progress and the answer, and the
 * services' logs go to the files the demo names.
 */
class DemoCommandIT {

    @TempDir
    Path data;

    @Test
    void theTerminalShowsTheAnswerAndTheServicesLogToFiles() throws IOException, InterruptedException {
        int kafka = Ports.free();
        while (!Ports.isFree(kafka + 1)) { // the KRaft controller takes the next port
            kafka = Ports.free();
        }
        List<String> command = new ArrayList<>(List.of("bash", TestStacks.HOME.resolve("pulse").toString(), "demo",
                "--exit", "--data-dir", data.toString(), "--partitions", "1", "--kafka-port", String.valueOf(kafka)));
        for (String flag : List.of("--postgres-port", "--ingest-port", "--aggregation-port", "--query-port")) {
            command.add(flag);
            command.add(String.valueOf(Ports.free()));
        }
        Path stdout = data.resolve("demo.out");
        Process demo = new ProcessBuilder(command).directory(data.toFile())
                .redirectOutput(stdout.toFile()).redirectError(data.resolve("demo.err").toFile()).start();
        boolean ended = demo.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            demo.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        String shown = String.join("\n", lines);
        assertThat(ended).as("the demo ends with --exit; it printed:\n" + shown).isTrue();
        assertThat(demo.exitValue()).as(shown + "\n" + Files.readString(data.resolve("demo.err"))).isZero();

        // The worked example's answer (docs/workloads.md and the README's first command): the window after the last event at 18:24.
        assertThat(lines).contains("  minute (UTC)        average   events", "  2018-12-26 18:11          -        0",
                "  2018-12-26 18:12       20.0        1", "  2018-12-26 18:24       42.5        2");
        // Only the demo's and the stack's own lines: none of a service, nor a log record of the broker.
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .doesNotStartWith("[ingest]").doesNotStartWith("[aggregation]").doesNotStartWith("[query]")
                .doesNotContain(" INFO ").doesNotContain("WARN").doesNotContain("SEVERE"));
        for (Service service : Service.values()) {
            Path log = data.resolve("logs/" + service.label() + ".log");
            assertThat(shown).contains("logs/" + service.label() + ".log");
            assertThat(log).isRegularFile();
            assertThat(Files.readString(log)).as(log.toString()).contains(service.module()).contains("Listening on");
        }
        assertThat(data.resolve("logs/stack.log")).isRegularFile();
    }
}
