package io.pulse.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MovingAverageCommandTest {

    /** The worked example of docs/pipeline.md, "Moving windows", as the reference script prints it. */
    static final List<String> WORKED_EXAMPLE_OUTPUT = List.of(
            "{\"date\": \"2018-12-26 18:11:00\", \"average_delivery_time\": 0}",
            "{\"date\": \"2018-12-26 18:12:00\", \"average_delivery_time\": 20}",
            "{\"date\": \"2018-12-26 18:13:00\", \"average_delivery_time\": 20}",
            "{\"date\": \"2018-12-26 18:14:00\", \"average_delivery_time\": 20}",
            "{\"date\": \"2018-12-26 18:15:00\", \"average_delivery_time\": 20}",
            "{\"date\": \"2018-12-26 18:16:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:17:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:18:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:19:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:20:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:21:00\", \"average_delivery_time\": 25.5}",
            "{\"date\": \"2018-12-26 18:22:00\", \"average_delivery_time\": 31}",
            "{\"date\": \"2018-12-26 18:23:00\", \"average_delivery_time\": 31}",
            "{\"date\": \"2018-12-26 18:24:00\", \"average_delivery_time\": 42.5}");

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : out.lines().toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    private Run movingAverage(Path file, int window) {
        return run("moving-average", "--input_file", file.toString(), "--window_size", String.valueOf(window));
    }

    @Test
    void printsTheWorkedExampleWhateverTheOrderOfEvents() throws IOException {
        Path file = write("events.json", List.of(
                "{\"timestamp\": \"2018-12-26 18:23:19.903159\",\"translation_id\": \"5aa5b2f39f7254a75bb3\",\"source_language\": \"en\",\"target_language\": \"fr\",\"client_name\": \"taxi-eats\",\"event_name\": \"translation_delivered\",\"nr_words\": 100, \"duration\": 54}",
                "{\"timestamp\": \"2018-12-26 18:11:08.509654\",\"translation_id\": \"5aa5b2f39f7254a75aa5\",\"source_language\": \"en\",\"target_language\": \"fr\",\"client_name\": \"airliberty\",\"event_name\": \"translation_delivered\",\"nr_words\": 30, \"duration\": 20}",
                "",
                "{\"timestamp\": \"2018-12-26 18:15:19.903159\",\"translation_id\": \"5aa5b2f39f7254a75aa4\",\"source_language\": \"en\",\"target_language\": \"fr\",\"client_name\": \"airliberty\",\"event_name\": \"translation_delivered\",\"nr_words\": 30, \"duration\": 31}"));
        Run run = movingAverage(file, 10);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactlyElementsOf(WORKED_EXAMPLE_OUTPUT);
    }

    /** Lines off the fast path (escapes, nesting, other formats, odd spacing) are read by Jackson to the same result. */
    @Test
    void unusualButValidLinesGiveTheSameAnswer() throws IOException {
        Path file = write("unusual.json", List.of(
                "  {\"client_name\": \"caf\\u00e9 \\\"A\\\"\", \"meta\": {\"tags\": [1, {\"x\": null}]}, \"duration\": 2.0e1, \"timestamp\": \"2018-12-26 18:11:08.509654\"}\r",
                "{\"timestamp\":\"2018-12-26T18:15:19.903159Z\",\"duration\":31,\"ok\":true}",
                "{\"timestamp\": 1545848599, \"client_name\": \"Zürich\", \"duration\": 54}"));
        Run run = movingAverage(file, 10);
        assertThat(run.err()).isEmpty();
        assertThat(run.lines()).containsExactlyElementsOf(WORKED_EXAMPLE_OUTPUT);
    }

    @Test
    void otherFieldsAndFilesAreOptions() throws IOException {
        Path file = write("words.json", List.of(
                "{\"timestamp\": \"2018-12-26 18:11:08\", \"duration\": 1, \"nr_words\": 30}",
                "{\"timestamp\": \"2018-12-26 18:11:59\", \"duration\": 1, \"nr_words\": 15}"));
        Path output = dir.resolve("out.json");
        Run run = run("moving-average", "--input-file", file.toString(), "--window-size", "1", "--field", "nr_words",
                "--output", output.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(Files.readAllLines(output)).containsExactly(
                "{\"date\": \"2018-12-26 18:11:00\", \"average_nr_words\": 0}",
                "{\"date\": \"2018-12-26 18:12:00\", \"average_nr_words\": 22.5}");
    }

    /** The file is read in 1 MiB chunks; a longer line is still one event. */
    @Test
    void aLineLongerThanAChunkIsOneEvent() throws IOException {
        String padding = "x".repeat(3 << 20);
        Path file = write("long.json", List.of(
                "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"note\": \"" + padding + "\", \"duration\": 20}",
                "{\"timestamp\": \"2018-12-26 18:15:19.903159\", \"duration\": 31}",
                "{\"timestamp\": \"2018-12-26 18:23:19.903159\", \"note\": \"" + padding + "\", \"duration\": 54}"));
        Run run = movingAverage(file, 10);
        assertThat(run.err()).isEmpty();
        assertThat(run.lines()).containsExactlyElementsOf(WORKED_EXAMPLE_OUTPUT);
    }

    @Test
    void anEmptyFilePrintsNothing() throws IOException {
        Run run = movingAverage(write("empty.json", List.of()), 10);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void badInputIsOneLineNamingTheLineAndTheReason() throws IOException {
        String good = "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"duration\": 20}";
        assertBad(List.of(good, good, "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"duration\": 2"),
                "pulse: bad.json:3: not valid JSON: Unexpected end-of-input: expected close marker for Object\n");
        assertBad(List.of(good, "{\"timestamp\": \"2018-12-26 18:11:08\"}"), "pulse: bad.json:2: 'duration' is missing");
        assertBad(List.of("{\"timestamp\": \"2018-12-26 18:11:08\", \"duration\": \"20\"}"),
                "pulse: bad.json:1: 'duration' is not a number: \"20\"");
        assertBad(List.of(good, good, good, "{\"timestamp\": \"26/12/2018\", \"duration\": 1}"),
                "pulse: bad.json:4: 'timestamp': '26/12/2018' matches none of the formats [yyyy-MM-dd HH:mm:ss[.SSSSSS], iso, epoch-seconds, epoch-millis]");
        assertBad(List.of(good + " " + good), "pulse: bad.json:1: a second JSON value on the line; write one event per line");
        assertBad(List.of("[" + good + ", 3]"), "pulse: bad.json:1: item 2: not a JSON object");
        assertBad(List.of("[", good + ",", "{\"timestamp\": \"2018-12-26 18:11:08\"}", "]"),
                "pulse: bad.json:3: item 2: 'duration' is missing");
        assertBad(List.of("{\"duration\": 3}"), "pulse: bad.json:1: 'timestamp' is missing");
    }

    private static final String TRANSLATION_23 = "{\"timestamp\": \"2018-12-26 18:23:19.903159\",\"translation_id\": \"5aa5b2f39f7254a75bb3\",\"client_name\": \"taxi-eats\",\"duration\": 54}";
    private static final String TRANSLATION_11 = "{\"timestamp\": \"2018-12-26 18:11:08.509654\",\"translation_id\": \"5aa5b2f39f7254a75aa5\",\"client_name\": \"airliberty\",\"duration\": 20}";
    private static final String TRANSLATION_15 = "{\"timestamp\": \"2018-12-26 18:15:19.903159\",\"translation_id\": \"5aa5b2f39f7254a75aa4\",\"client_name\": \"airliberty\",\"duration\": 31}";

    @Test
    void aJsonArrayOfEventsGivesTheSameAnswer() throws IOException {
        Path file = write("array.json", List.of("[", "  " + TRANSLATION_23 + ",", "  " + TRANSLATION_11 + ",",
                "  " + TRANSLATION_15.replace(",", ",\n    "), "]"));
        Run run = movingAverage(file, 10);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactlyElementsOf(WORKED_EXAMPLE_OUTPUT);
    }

    @Test
    void oneObjectOverSeveralLinesIsOneEvent() throws IOException {
        Path file = write("one.json", List.of("{", "  \"timestamp\": \"2018-12-26 18:11:08\",", "  \"duration\": 20", "}"));
        Run run = movingAverage(file, 1);
        assertThat(run.err()).isEmpty();
        assertThat(run.lines()).containsExactly(
                "{\"date\": \"2018-12-26 18:11:00\", \"average_delivery_time\": 0}",
                "{\"date\": \"2018-12-26 18:12:00\", \"average_delivery_time\": 20}");
    }

    @Test
    void aFileOfNoJsonEventsIsOneLineSayingWhatToWrite() throws IOException {
        String what = "; write a JSON array of objects, or one JSON object per line (NDJSON)";
        assertBad(List.of("42"), "pulse: bad.json holds no JSON events: it starts with 42" + what);
        assertBad(List.of("\"events\""), "pulse: bad.json holds no JSON events: it starts with \"events\"" + what);
        assertBad(List.of("timestamp,duration", "2018-12-26 18:11:08,20"),
                "pulse: bad.json holds no JSON events: it starts with timestamp,duration" + what);
        // the file ends at the start of line 3, after the last line break
        assertBad(List.of("[", TRANSLATION_11 + ","), "pulse: bad.json:3: the file ends before its JSON is closed "
                + "(a ']' or '}' is missing); is the file whole?");
        assertBad(List.of("[", TRANSLATION_11 + ",", "{\"duration\": }", "]"),
                "pulse: bad.json:3: not valid JSON at column 14: Unexpected character ('}' (code 125))");
        assertBad(List.of("[" + TRANSLATION_11 + "]", "[]"),
                "pulse: bad.json:2: more JSON after the array; write one array holding every event");
    }

    /**
     * The stack drops an event whose translation_id was seen on an event at most an hour apart (the aggregation
     * service's duplicate horizon); so does the command, and says so. A copy of the 18:15:19 delivery at 18:16:30 with
     * a duration of 1000, worked by hand with it counted: 18:17 to 18:21 average (20 + 31 + 1000) / 3, 18:22 and
     * 18:23 (31 + 1000) / 2, 18:24 (31 + 1000 + 54) / 3.
     */
    @Test
    void repeatedIdsAreCountedOnceAsTheStackCountsThem() throws IOException {
        String copy = TRANSLATION_15.replace("18:15:19.903159", "18:16:30").replace("31}", "1000}");
        Path file = write("repeated.json", List.of(TRANSLATION_23, TRANSLATION_11, TRANSLATION_15, copy));
        Run run = movingAverage(file, 10);
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactlyElementsOf(WORKED_EXAMPLE_OUTPUT);
        assertThat(run.err()).isEqualTo("pulse: 1 event repeated an earlier event's translation_id within 1h "
                + "and was not counted, as the stack does not count it; --keep-duplicates counts it"
                + System.lineSeparator());

        List<String> counted = new ArrayList<>(WORKED_EXAMPLE_OUTPUT);
        for (int minute = 17; minute <= 24; minute++) {
            String average = minute <= 21 ? "350.3333333333333" : minute <= 23 ? "515.5" : "361.6666666666667";
            counted.set(minute - 11, "{\"date\": \"2018-12-26 18:" + minute + ":00\", \"average_delivery_time\": " + average + "}");
        }
        Run kept = run("moving-average", "--input_file", file.toString(), "--window_size", "10", "--keep-duplicates");
        assertThat(kept.err()).isEmpty();
        assertThat(kept.lines()).containsExactlyElementsOf(counted);
        // 71 s apart: a one-minute horizon keeps both
        Run shortHorizon = run("moving-average", "--input_file", file.toString(), "--window_size", "10",
                "--duplicate-horizon", "1m");
        assertThat(shortHorizon.err()).isEmpty();
        assertThat(shortHorizon.lines()).containsExactlyElementsOf(counted);
        // the first of repeated events is the one counted, in a JSON array too
        Path array = write("repeated-array.json", List.of("[" + String.join(",", copy, TRANSLATION_23, TRANSLATION_11,
                TRANSLATION_15) + "]"));
        Run first = movingAverage(array, 10);
        assertThat(first.lines().get(6)).isEqualTo("{\"date\": \"2018-12-26 18:17:00\", \"average_delivery_time\": 510}");
    }

    private void assertBad(List<String> lines, String message) throws IOException {
        Run run = movingAverage(write("bad.json", lines), 10);
        assertThat(run.exitCode()).as(message).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).as(message).hasSize(1);
        assertThat(run.err()).startsWith(message);
    }

    @Test
    void badOptionsAreOneLineToo() throws IOException {
        Path file = write("events.json", List.of("{\"timestamp\": \"2018-12-26 18:11:08\", \"duration\": 1}"));
        assertOption(run("moving-average", "--input_file", dir.resolve("nope.json").toString(), "--window_size", "10"),
                "pulse: " + dir.resolve("nope.json") + ": no such file");
        assertOption(movingAverage(file, 0), "pulse: --window_size must be a positive number of minutes, not 0 (see ./pulse moving-average --help)");
        assertOption(run("moving-average", "--input_file", file.toString(), "--window_size", "10", "--duplicate-horizon", "an hour"),
                "pulse: --duplicate-horizon must be a positive duration such as 30m or 1h, not 'an hour' (see ./pulse moving-average --help)");
        assertOption(run("moving-average", "--input_file", file.toString(), "--window_size", "ten"),
                "pulse: Invalid value for option '--window_size': 'ten' is not an int (see ./pulse moving-average --help)");
        assertOption(run("moving-average", "--input_file", file.toString()),
                "pulse: Missing required option: '--window_size=MINUTES' (see ./pulse moving-average --help)");
        assertOption(run("moving-average", "--input_file", file.toString(), "--window_size", "5", "--type", "nope"),
                "pulse: --type: unknown event type 'nope'; the pipeline has [translation_delivered, frame, song_play, trip, weather_reading] (see ./pulse moving-average --help)");
    }

    private static void assertOption(Run run, String message) {
        assertThat(run.exitCode()).as(message).isEqualTo(2);
        assertThat(run.err()).isEqualTo(message + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    /**
     * A file large enough to be read in parallel ranges, unsorted, against a brute-force computation over the raw
     * events; then the same file with one broken line far down, which must be named by its number.
     */
    @Test
    void aLargeUnsortedFileMatchesABruteForceComputation() throws IOException {
        Random random = new Random(7);
        LocalDateTime first = LocalDateTime.of(2024, 3, 1, 0, 0);
        record Event(LocalDateTime ts, int duration) {
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            events.add(new Event(first.plusNanos(random.nextLong(6L * 3600 * 1_000_000_000L)).truncatedTo(ChronoUnit.MICROS),
                    1 + random.nextInt(500)));
        }
        List<String> lines = new ArrayList<>();
        for (Event e : events) {
            lines.add("{\"timestamp\": \"" + TIMESTAMP.format(e.ts()) + "\", \"translation_id\": \"" + Long.toHexString(random.nextLong())
                    + "\", \"source_language\": \"en\", \"target_language\": \"de\", \"client_name\": \"client-" + random.nextInt(30)
                    + "\", \"event_name\": \"translation_delivered\", \"nr_words\": " + random.nextInt(400) + ", \"duration\": " + e.duration() + "}");
        }
        Collections.shuffle(lines, random);
        Path file = write("large.json", lines);
        assertThat(Files.size(file)).as("more than two ranges of 4 MiB").isGreaterThan(8L << 20);

        int window = 7;
        Run run = movingAverage(file, window);
        assertThat(run.err()).isEmpty();
        LocalDateTime firstMinute = events.stream().map(Event::ts).min(LocalDateTime::compareTo).orElseThrow().truncatedTo(ChronoUnit.MINUTES);
        LocalDateTime lastMinute = events.stream().map(Event::ts).max(LocalDateTime::compareTo).orElseThrow().truncatedTo(ChronoUnit.MINUTES);
        List<String> out = run.lines();
        assertThat(out).hasSize((int) ChronoUnit.MINUTES.between(firstMinute, lastMinute) + 2);
        for (int i = 0; i < out.size(); i++) {
            LocalDateTime t = firstMinute.plusMinutes(i);
            long sum = 0;
            long count = 0;
            for (Event e : events) {
                if (!e.ts().isBefore(t.minusMinutes(window)) && e.ts().isBefore(t)) {
                    sum += e.duration();
                    count++;
                }
            }
            JsonNode line = Json.read(out.get(i), JsonNode.class);
            assertThat(line.path("date").asText()).isEqualTo(t.toString().replace('T', ' ') + ":00");
            assertThat(line.path("average_delivery_time").asDouble()).as(out.get(i))
                    .isCloseTo(count == 0 ? 0 : (double) sum / count, within(1e-9));
        }

        // copies of 1,000 events at the end of the file, in the last range, with other durations: the stack drops
        // them, so the answer is the one checked above, and the command says how many it dropped
        List<String> repeated = new ArrayList<>(lines);
        for (int i = 0; i < 1000; i++) {
            repeated.add(lines.get(i).replaceFirst("\"duration\": [0-9]+", "\"duration\": 99999"));
        }
        Run deduplicated = movingAverage(write("repeated.json", repeated), window);
        assertThat(deduplicated.lines()).isEqualTo(out);
        assertThat(deduplicated.err()).isEqualTo("pulse: 1,000 events repeated an earlier event's translation_id within 1h "
                + "and were not counted, as the stack does not count them; --keep-duplicates counts them" + System.lineSeparator());

        lines.set(50_000, lines.get(50_000).replace("\"duration\"", "\"duration"));
        Run broken = movingAverage(write("large.json", lines), window);
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).startsWith("pulse: large.json:50001: not valid JSON");
        assertThat(broken.out()).isEmpty();
    }
}
