package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pulse moving-average} against the plain Python script doing the same moving average
 * ({@code bench/src/main/python/moving_average.py}), on the same generated file, in alternating runs so both see the
 * same machine load. Wall clock includes the JVM's start; RSS, user and system CPU come from {@code /usr/bin/time -v}.
 * Also measured: the launcher without the JVM flags {@code ./pulse} adds, to show what they are worth.
 *
 * <pre>./mvnw -B verify -pl end-to-end -am -Pbenchmark -Dit.test=MovingAverageBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * options: -Dbenchmark.events=1000000 -Dbenchmark.runs=5</pre>
 */
class MovingAverageBenchmark {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 1_000_000);
    private static final int RUNS = Integer.getInteger("benchmark.runs", 5);
    private static final Path HOME = TestStacks.HOME;
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([\\d.]+)");
    private static final Pattern SYSTEM = Pattern.compile("System time \\(seconds\\): ([\\d.]+)");

    @TempDir
    Path dir;

    record Measure(double wallSeconds, double cpuSeconds, long rssKb, byte[] output) {
    }

    @Test
    void cliAgainstPython() throws Exception {
        Path events = dir.resolve("events.json");
        generate(events);
        String file = events.toString();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("./pulse moving-average", List.of(HOME.resolve("pulse").toString(), "moving-average",
                "--input_file", file, "--window_size", "10"));
        commands.put("python3 moving_average.py", List.of("python3", HOME.resolve("bench/src/main/python/moving_average.py").toString(),
                "--input_file", file, "--window_size", "10"));
        commands.put("java, default flags", List.of("java", "-cp", HOME.resolve("local-stack/target/pulse-local-stack.jar") + ":"
                + HOME.resolve("local-stack/target/lib") + "/*", "io.pulse.stack.cli.PulseCli", "moving-average",
                "--input_file", file, "--window_size", "10"));
        run(commands.get("./pulse moving-average")); // builds the class-data archive once, as a first use would

        Map<String, List<Measure>> measures = new LinkedHashMap<>();
        for (int r = 0; r < RUNS; r++) {
            for (var command : commands.entrySet()) {
                measures.computeIfAbsent(command.getKey(), k -> new ArrayList<>()).add(run(command.getValue()));
            }
        }
        byte[] expected = measures.get("python3 moving_average.py").get(0).output();
        measures.forEach((name, list) -> list.forEach(m -> assertThat(m.output()).as(name).isEqualTo(expected)));

        System.out.printf(Locale.ROOT, "%nMoving average of %,d events (%,d bytes), window 10 minutes, %d runs each, alternating:%n",
                EVENTS, Files.size(events), RUNS);
        System.out.println("| command | wall clock, median (min–max) | CPU user+sys, median | max RSS, median |");
        System.out.println("| --- | --- | --- | --- |");
        measures.forEach((name, list) -> System.out.printf(Locale.ROOT, "| %s | %.2f s (%.2f–%.2f) | %.2f s | %,d MB |%n", name,
                median(list, Measure::wallSeconds), list.stream().mapToDouble(Measure::wallSeconds).min().orElseThrow(),
                list.stream().mapToDouble(Measure::wallSeconds).max().orElseThrow(), median(list, Measure::cpuSeconds),
                (long) median(list, m -> m.rssKb()) / 1024));
        double python = median(measures.get("python3 moving_average.py"), Measure::wallSeconds);
        double cli = median(measures.get("./pulse moving-average"), Measure::wallSeconds);
        System.out.printf(Locale.ROOT, "Python / CLI, median wall clock: %.1f×; per run: %s%n", python / cli,
                perRunRatios(measures.get("python3 moving_average.py"), measures.get("./pulse moving-average")));
        System.out.printf(Locale.ROOT, "Python / CLI, median CPU time: %.1f×%n",
                median(measures.get("python3 moving_average.py"), Measure::cpuSeconds) / median(measures.get("./pulse moving-average"), Measure::cpuSeconds));
    }

    private static String perRunRatios(List<Measure> python, List<Measure> cli) {
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < python.size(); i++) {
            ratios.add(String.format(Locale.ROOT, "%.1f", python.get(i).wallSeconds() / cli.get(i).wallSeconds()));
        }
        return String.join(", ", ratios);
    }

    private static double median(List<Measure> list, java.util.function.ToDoubleFunction<Measure> value) {
        double[] sorted = list.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private Measure run(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("out");
        Path time = dir.resolve("time");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", time.toString()));
        timed.addAll(command);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(timed).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = process.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        assertThat(exit).as(String.join(" ", command)).isZero();
        String report = Files.readString(time);
        return new Measure(wall, number(USER, report) + number(SYSTEM, report), (long) number(RSS, report), Files.readAllBytes(out));
    }

    private static double number(Pattern pattern, String report) {
        Matcher m = pattern.matcher(report);
        assertThat(m.find()).as(pattern + " in " + report).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * Translation events over three days (about 3.8 a second), mostly in order with up to two seconds of jitter, the
     * shape of the translation_delivered sample: about 235 bytes a line.
     */
    private static void generate(Path file) throws IOException {
        Random random = new Random(2018);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        LocalDateTime start = LocalDateTime.of(2018, 12, 26, 0, 0);
        long spanMicros = 3L * 24 * 3600 * 1_000_000;
        List<String> languages = Arrays.asList("en", "fr", "de", "pt", "es", "it");
        List<String> clients = Arrays.asList("airliberty", "taxi-eats", "easyjet", "booking", "gluten-free", "uberx");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < EVENTS; i++) {
                LocalDateTime ts = start.plusNanos((spanMicros * i / EVENTS + random.nextInt(2_000_000)) * 1000);
                out.write("{\"timestamp\": \"" + format.format(ts) + "\", \"translation_id\": \""
                        + String.format("%020x", random.nextLong() & Long.MAX_VALUE) + "\", \"source_language\": \""
                        + languages.get(random.nextInt(6)) + "\", \"target_language\": \"" + languages.get(random.nextInt(6))
                        + "\", \"client_name\": \"" + clients.get(random.nextInt(6)) + "\", \"event_name\": \"translation_delivered\", "
                        + "\"nr_words\": " + (1 + random.nextInt(500)) + ", \"duration\": " + (1 + random.nextInt(120)) + "}\n");
            }
        }
    }
}
