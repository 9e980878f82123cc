package io.pulse.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.client.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write every group and step of a metric to a file (CSV with a header, or NDJSON), streamed from "
                + "the query service: one row per group and step that holds events, ordered by group then time.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:exported", "1:the export failed, was refused (too many at once), or no stack runs there",
                "2:bad input: a parameter the query service refuses, a bad option"})
class ExportCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    /** A terminal's progress line is redrawn often; a log or a pipe gets a line now and then. */
    private static final long TERMINAL_PROGRESS_NANOS = 250_000_000L;
    private static final long LOG_PROGRESS_NANOS = 5_000_000_000L;

    /** How an export is written, and the media type that asks for it. */
    enum Format {
        CSV("text/csv"), NDJSON("application/x-ndjson");

        final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    @ParentCommand
    PulseCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "METRIC", description = "The metric, e.g. plays.")
    String metric;

    @Option(names = "--agg", paramLabel = "AGG", description = "count, sum, avg, min, max, distinct or pNN (default: the metric's).")
    String agg;

    @Option(names = "--step", paramLabel = "STEP", description = "A multiple of the metric's granularity, e.g. 1d, or of the calendar: 1w, 1mo, 1q, 1y (default: the granularity).")
    String step;

    @Option(names = "--group-by", paramLabel = "FIELDS", description = "Group fields kept apart, comma-separated, e.g. Song.")
    String groupBy;

    @Option(names = "--where", paramLabel = "FILTER", description = "field:value or field:a|b; repeatable.")
    List<String> where = new ArrayList<>();

    @Option(names = "--from", paramLabel = "TIME", description = "First step, inclusive: ISO-8601 (a date or zone-less time is in --tz, else UTC), or relative: now-24h, -7d, now/d.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End, exclusive; also now.")
    String to;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the days, weeks and months, and of the dates "
            + "and times written, e.g. Europe/Lisbon (default: the metric's zone, else UTC).")
    String tz;

    @Option(names = "--week-start", paramLabel = "DAY", description = "First day of a week step, e.g. sunday (default: monday).")
    String weekStart;

    @Option(names = "--fill", paramLabel = "FILL", description = "Steps without events: zero or null writes them (default: left out).")
    String fill;

    @Option(names = "--columns", paramLabel = "NAMES", description = "Column names, comma-separated, one per column, "
            + "e.g. 'Song,Date,Total Number of Plays for Date'.")
    String columns;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "FORMAT", description = "csv or ndjson (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: standard output).")
    Path output;

    @Option(names = "--query", defaultValue = "http://127.0.0.1:8083", paramLabel = "URL",
            description = "The query service (default: ${DEFAULT-VALUE}).")
    URI query;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".pulse", description = "Where ./pulse up keeps "
            + "its development API key, used unless PULSE_API_KEY is set (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        HttpResponse<InputStream> answer;
        try {
            HttpRequest.Builder request = Credentials.authorize(HttpRequest.newBuilder(uri()), Credentials.find(cli.home().resolve(dataDir)));
            answer = HttpClient.newHttpClient().send(request.header("Accept", format.mediaType)
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            err.println("pulse: no query service at " + query + " (start one with ./pulse up, or pass --query URL)");
            return FAILED;
        }
        try (InputStream body = answer.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase).isPresent()
                ? new GZIPInputStream(answer.body(), 1 << 16) : answer.body()) {
            if (answer.statusCode() != 200) {
                err.println("pulse: " + problem(answer.statusCode(), body) + (answer.statusCode() == 401 ? "; " + Credentials.HINT : ""));
                return answer.statusCode() == 400 || answer.statusCode() == 404 ? BAD_INPUT : FAILED;
            }
            return write(body, err);
        }
    }

    URI uri() {
        StringBuilder q = new StringBuilder();
        param(q, "agg", agg);
        param(q, "step", step);
        param(q, "group_by", groupBy);
        where.forEach(w -> param(q, "where", w));
        param(q, "from", from);
        param(q, "to", to);
        param(q, "tz", tz);
        param(q, "week_start", weekStart);
        param(q, "fill", fill);
        param(q, "columns", columns);
        String base = query.toString().replaceAll("/+$", "");
        return URI.create(base + "/v1/metrics/" + URLEncoder.encode(metric, StandardCharsets.UTF_8).replace("+", "%20")
                + "/export" + (q.isEmpty() ? "" : "?" + q));
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(q.isEmpty() ? "" : "&").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        }
    }

    /** The problem's detail, or the status with the body when it is not a problem. */
    private static String problem(int status, InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        try {
            JsonNode problem = Json.read(text, JsonNode.class);
            if (problem.hasNonNull("detail")) {
                return problem.path("detail").asText() + " (" + status + ")";
            }
        } catch (RuntimeException e) {
            // not JSON: shown as it is
        }
        return "the query service answered " + status + ": " + text.strip();
    }

    /** Copies the rows, counting them, into a file beside the output that replaces it only when the export is whole. */
    private int write(InputStream body, PrintWriter err) throws IOException {
        Path part = output == null ? null : output.toAbsolutePath().resolveSibling(output.getFileName() + ".part");
        boolean terminal = System.console() != null && output != null; // with rows on standard output, no line redrawn over them
        long lines = 0;
        long bytes = 0;
        long started = System.nanoTime();
        long shown = started;
        long interval = terminal ? TERMINAL_PROGRESS_NANOS : LOG_PROGRESS_NANOS;
        OutputStream out = part == null ? System.out : Files.newOutputStream(part);
        try {
            byte[] buffer = new byte[1 << 16];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                out.write(buffer, 0, n);
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                long now = System.nanoTime();
                if (now - shown > interval) {
                    shown = now;
                    progress(err, terminal, rows(lines), bytes, now - started);
                }
            }
            out.flush();
            if (part != null) {
                out.close();
            }
        } catch (IOException e) {
            if (part != null) {
                out.close();
                Files.deleteIfExists(part);
            }
            err.println((terminal ? "\n" : "") + "pulse: the export broke off after " + rows(lines) + " rows: " + e.getMessage());
            return FAILED;
        }
        if (part != null) {
            Files.move(part, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        progress(err, terminal, rows(lines), bytes, System.nanoTime() - started);
        if (terminal) {
            err.println();
        }
        err.printf(Locale.ROOT, "exported %,d rows of %s to %s%n", rows(lines), metric, output == null ? "standard output" : output);
        err.flush();
        return 0;
    }

    private long rows(long lines) {
        return format == Format.CSV ? Math.max(0, lines - 1) : lines;
    }

    /** One line: redrawn in place on a terminal, appended to a log or a pipe. */
    private static void progress(PrintWriter err, boolean terminal, long rows, long bytes, long nanos) {
        double seconds = nanos / 1e9;
        String line = String.format(Locale.ROOT, "%,d rows, %.1f MB in %.1f s (%,.0f rows/s)", rows, bytes / 1e6, seconds,
                seconds == 0 ? 0 : rows / seconds);
        if (terminal) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }
}
