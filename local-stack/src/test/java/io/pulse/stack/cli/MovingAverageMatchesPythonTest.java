package io.pulse.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's baseline, {@code bench/src/main/python/moving_average.py}, is an independent implementation of the
 * same moving average: both must print byte-identical output, or the speed comparison would compare different work.
 */
class MovingAverageMatchesPythonTest {

    private static final Path SCRIPT = Path.of("../bench/src/main/python/moving_average.py").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void printsExactlyWhatThePythonScriptPrints() throws Exception {
        assumeTrue(python("--version").exitValue() == 0, "python3 is needed to compare with the baseline");
        Random random = new Random(42);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        LocalDateTime start = LocalDateTime.of(2018, 12, 26, 0, 0);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            // mostly in order, some up to ten minutes early or late, with gaps: windows with none, one or many events
            LocalDateTime ts = start.plusNanos(i * 3_000_000_000L + random.nextLong(-600_000_000_000L, 600_000_000_000L) + i / 5_000 * 3_600_000_000_000L)
                    .withNano(random.nextInt(1_000_000) * 1000);
            lines.add("{\"timestamp\": \"" + format.format(ts) + "\", \"translation_id\": \"t" + i
                    + "\", \"source_language\": \"en\", \"target_language\": \"fr\", \"client_name\": \"c" + random.nextInt(9)
                    + "\", \"event_name\": \"translation_delivered\", \"nr_words\": " + random.nextInt(300)
                    + ", \"duration\": " + (1 + random.nextInt(97)) + "}");
        }
        Path events = Files.write(dir.resolve("events.json"), lines);
        Path expected = dir.resolve("python.out");
        Process python = python(SCRIPT.toString(), "--input_file", events.toString(), "--window_size", "10");
        Files.write(expected, python.getInputStream().readAllBytes());
        assertThat(python.waitFor()).isZero();

        MovingAverageCommandTest.Run run = MovingAverageCommandTest.run("moving-average", "--input_file", events.toString(),
                "--window_size", "10");
        assertThat(run.exitCode()).isZero();
        assertThat(Files.readAllLines(expected).size()).as("minutes in the output").isGreaterThan(2_000);
        assertThat(run.out()).isEqualTo(Files.readString(expected));
    }

    private static Process python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (args[0].equals("--version")) {
                process.getInputStream().readAllBytes();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            return process;
        } catch (IOException e) {
            assumeTrue(false, "python3 is not installed");
            throw e;
        }
    }
}
