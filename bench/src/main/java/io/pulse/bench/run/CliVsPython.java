package io.pulse.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.bench.workload.Generated;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The offline moving average two ways on the same file: {@code ./pulse moving-average} and the plain Python script,
 * each timed as a user runs it (process start to exit), each output checked against the bench's own computation.
 */
public final class CliVsPython {

    private static final int WINDOW_MINUTES = 10;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One contender: its wall-clock seconds and whether its output matched, or why it could not run. */
    public record Run(String command, double seconds, boolean correct, String note) {
    }

    public record Result(long events, Run cli, Run python) {

        public double speedUp() {
            return python.seconds / cli.seconds;
        }
    }

    private final Path home;

    public CliVsPython(Path home) {
        this.home = home;
    }

    /** @param file the translation events of {@code generated}, written as NDJSON */
    public Result compare(Path file, Generated generated) throws IOException, InterruptedException {
        long[] times = generated.eventTimes();
        double[] durations = new double[times.length];
        for (int i = 0; i < durations.length; i++) {
            durations[i] = Json.MAPPER.readTree(generated.lines().get(i)).path("duration").asDouble();
        }
        List<String> expected = expected(times, durations);
        Path python = home.resolve("bench/src/main/python/moving_average.py");
        // An untimed first run of each on the small sample: ./pulse makes its class-data archive once per build
        warmUp(List.of(home.resolve("pulse").toString(), "moving-average", "--input_file",
                home.resolve("samples/translations.ndjson").toString(), "--window_size", "10"));
        warmUp(List.of("python3", python.toString(), "--input_file", home.resolve("samples/translations.ndjson").toString(),
                "--window_size", "10"));
        Run cli = run(List.of(home.resolve("pulse").toString(), "moving-average", "--input_file", file.toString(),
                "--window_size", Integer.toString(WINDOW_MINUTES)), expected, file);
        Run py = Files.isRegularFile(python)
                ? run(List.of("python3", python.toString(), "--input_file", file.toString(), "--window_size",
                        Integer.toString(WINDOW_MINUTES)), expected, file)
                : new Run("python3 " + home.relativize(python), 0, false, "not available in this build");
        return new Result(times.length, cli, py);
    }

    private static void warmUp(List<String> command) throws IOException, InterruptedException {
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.MINUTES);
    }

    private Run run(List<String> command, List<String> expected, Path file) throws IOException, InterruptedException {
        String shown = String.join(" ", command).replace(home + "/", "").replace(file.toString(), file.getFileName().toString());
        Path out = Files.createTempFile("bench-moving-average", ".out");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Run(shown, 0, false, "did not finish in 30 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (process.exitValue() != 0) {
                return new Run(shown, 0, false, "not available in this build (exit " + process.exitValue() + ")");
            }
            String mismatch = compare(Files.readAllLines(out), expected);
            return new Run(shown, seconds, mismatch == null, mismatch == null ? "output matches the bench's" : mismatch);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Null when every line gives the same minute and, within 1e-6, the same average; else the first difference. */
    private static String compare(List<String> actual, List<String> expected) throws IOException {
        if (actual.size() != expected.size()) {
            return actual.size() + " lines instead of " + expected.size();
        }
        for (int i = 0; i < actual.size(); i++) {
            JsonNode a = Json.MAPPER.readTree(actual.get(i));
            JsonNode e = Json.MAPPER.readTree(expected.get(i));
            if (!a.path("date").asText().equals(e.path("date").asText())
                    || Math.abs(a.path("average_delivery_time").asDouble() - e.path("average_delivery_time").asDouble()) > 1e-6) {
                return "line " + (i + 1) + " is " + actual.get(i) + ", the bench expects " + expected.get(i);
            }
        }
        return null;
    }

    /** Every minute from the first event's to one past the last: the average over [minute − window, minute). */
    static List<String> expected(long[] times, double[] durations) {
        TreeMap<Long, double[]> minutes = new TreeMap<>();
        for (int i = 0; i < times.length; i++) {
            double[] m = minutes.computeIfAbsent(Math.floorDiv(times[i], 60_000L), k -> new double[2]);
            m[0] += durations[i];
            m[1]++;
        }
        List<String> lines = new ArrayList<>();
        for (long minute = minutes.firstKey(); minute <= minutes.lastKey() + 1; minute++) {
            double sum = 0;
            double count = 0;
            for (double[] m : minutes.subMap(minute - WINDOW_MINUTES, minute).values()) {
                sum += m[0];
                count += m[1];
            }
            lines.add("{\"date\": \"" + MINUTE.format(Instant.ofEpochSecond(minute * 60)) + "\", \"average_delivery_time\": "
                    + (count == 0 ? "0" : Double.toString(sum / count)) + "}");
        }
        return lines;
    }
}
