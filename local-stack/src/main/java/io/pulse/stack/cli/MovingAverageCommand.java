package io.pulse.stack.cli;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.common.window.WindowedPoints;
import io.pulse.stack.eventfile.EventFileLayout;
import io.pulse.stack.eventfile.JsonItems;
import io.pulse.stack.offline.BadLineException;
import io.pulse.stack.offline.Deduplication;
import io.pulse.stack.offline.EventFileBuckets;
import io.pulse.stack.offline.PythonNumbers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pulse moving-average}: the moving average of a numeric field over a file of events, every minute, with no
 * service running. The buckets, their merge and the window are the services' own code; only the source differs.
 */
@Command(name = "moving-average", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print, for every minute from the first event's minute to one past the last event's, the "
                + "average of a field over the events of the previous N minutes (0 when there are none). Needs no "
                + "running service; reads files of any size.",
                "Events with the same id (the pipeline's id field, translation_id for translations) are counted once "
                        + "when their times are at most --duplicate-horizon apart, as the stack counts them; "
                        + "--keep-duplicates counts every event.",
                "Output lines: {\"date\": \"2018-12-26 18:11:00\", \"average_delivery_time\": 0}"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:bad input: an unreadable file, a line that is not an event, a bad option"})
class MovingAverageCommand implements Callable<Integer> {

    static final int BAD_INPUT = 2;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Spec
    CommandSpec spec;

    @Option(names = {"--input_file", "--input-file"}, required = true, paramLabel = "FILE",
            description = "Events in any order: one JSON object per line (NDJSON), or a JSON array of objects.")
    Path input;

    @Option(names = {"--window_size", "--window-size"}, required = true, paramLabel = "MINUTES",
            description = "How many minutes back each point looks.")
    int windowSize;

    @Option(names = "--type", defaultValue = "translation_delivered", paramLabel = "TYPE",
            description = "Event type of the pipeline whose timestamp field and formats are used (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--field", paramLabel = "FIELD",
            description = "Numeric field to average (default: the value of the type's first metric, e.g. duration).")
    String field;

    @Option(names = "--pipeline", paramLabel = "FILE", description = "Pipeline file (default: the bundled pipeline/pulse.yaml).")
    Path pipeline;

    @Option(names = "--keep-duplicates",
            description = "Count every event, also those repeating an earlier event's id (the stack drops them).")
    boolean keepDuplicates;

    @Option(names = "--duplicate-horizon", defaultValue = "1h", paramLabel = "DURATION",
            description = "How far apart in event time two events of one id may be for the later to be dropped, e.g. "
                    + "30m: the stack's pulse.aggregation.duplicate-horizon (default: ${DEFAULT-VALUE}).")
    String duplicateHorizon;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        if (windowSize <= 0) {
            throw new ParameterException(spec.commandLine(), "--window_size must be a positive number of minutes, not " + windowSize);
        }
        Pipeline loaded = PipelineLoader.load(pipeline == null ? PipelineLoader.BUNDLED : pipeline.toAbsolutePath().toString());
        EventType eventType = loaded.eventType(type).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--type: unknown event type '" + type + "'; the pipeline has " + loaded.eventTypes().keySet()));
        Duration horizon = Durations.parse(duplicateHorizon).filter(d -> !d.isNegative() && !d.isZero()).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "--duplicate-horizon must be a positive duration such as "
                        + "30m or 1h, not '" + duplicateHorizon + "'"));
        Metric metric = metric(loaded);
        Deduplication deduplication = keepDuplicates ? null : eventType.id()
                .map(id -> new Deduplication(id, horizon)).orElse(null);
        EventFileBuckets file = new EventFileBuckets(input, eventType.timestamp(), metric, deduplication);
        NavigableMap<Instant, Bucket> buckets;
        try {
            buckets = file.read(Runtime.getRuntime().availableProcessors());
        } catch (NoSuchFileException e) {
            return badInput(input + ": no such file");
        } catch (BadLineException | JsonItems.BadJsonException | EventFileLayout.NotJsonEventsException e) {
            return badInput(e.getMessage());
        } catch (IOException e) {
            return badInput(input + ": cannot be read: " + e.getMessage());
        }
        PrintWriter out;
        try {
            out = output == null ? spec.commandLine().getOut()
                    : new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return badInput("--output: cannot write " + output + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!buckets.isEmpty()) {
            print(buckets, eventType, metric, out);
        }
        if (file.duplicates() > 0) {
            boolean one = file.duplicates() == 1;
            spec.commandLine().getErr().printf("pulse: %,d %s an earlier event's %s within %s and %s not counted, as "
                    + "the stack does not count %s; --keep-duplicates counts %s%n", file.duplicates(),
                    one ? "event repeated" : "events repeated", deduplication.idField(), Durations.format(horizon),
                    one ? "was" : "were", one ? "it" : "them", one ? "it" : "them");
        }
        out.flush();
        if (output != null) {
            out.close();
        }
        if (out.checkError()) {
            return badInput("cannot write " + (output == null ? "to standard output" : output));
        }
        return 0;
    }

    /** A line for every minute from the first bucket to one past the last. */
    private void print(NavigableMap<Instant, Bucket> buckets, EventType eventType, Metric metric, PrintWriter out) {
        DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(eventType.timestamp().zone());
        String key = "\", \"average_" + metric.name() + "\": ";
        Instant end = buckets.lastKey().plus(MINUTE).plus(MINUTE);
        WindowedPoints.every(buckets.firstKey(), end, MINUTE, MINUTE.multipliedBy(windowSize)).forEach(buckets,
                (minute, window) -> out.print("{\"date\": \"" + minutes.format(minute) + key
                        + (window.count() == 0 ? "0" : PythonNumbers.format(window.sum() / window.count())) + "}\n"));
    }

    /**
     * The one-minute metric averaged: named after the pipeline's metric over the same field (so the reference
     * script's {@code average_delivery_time}), or after the field when the pipeline keeps none.
     */
    private Metric metric(Pipeline loaded) {
        List<Metric> ofType = loaded.metricsOf(type);
        String value = field != null ? field : ofType.stream().map(Metric::valueField).filter(v -> v != null).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--field: the pipeline keeps no metric with a "
                        + "value over '" + type + "'; name the numeric field to average"));
        String name = ofType.stream().filter(m -> value.equals(m.valueField())).map(Metric::name).findFirst().orElse(value);
        return new Metric(name, type, value, null, List.of(), MINUTE, Duration.ZERO, List.of(Aggregation.AVG), null);
    }

    private int badInput(String message) {
        spec.commandLine().getErr().println("pulse: " + message);
        return BAD_INPUT;
    }
}
