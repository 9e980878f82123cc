package io.pulse.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.eventfile.EventFileLayout;
import io.pulse.stack.eventfile.JsonItems;
import io.pulse.stack.upload.FileUploader;
import io.pulse.stack.upload.PlainProgress;
import io.pulse.stack.upload.TerminalProgress;
import io.pulse.stack.upload.UploadException;
import io.pulse.stack.upload.UploadProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Upload a CSV, NDJSON or JSON file of events to a running stack, show its progress, then print "
                + "the report.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every row accepted", "1:the upload failed, was refused, or no stack runs there",
                "2:bad input: no such file, a JSON file that holds no events or is not valid JSON, a bad option",
                "3:done, but some rows were rejected"})
class SendCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int ROWS_REJECTED = 3;

    @Spec
    CommandSpec spec;

    @ParentCommand
    PulseCli cli;

    @Parameters(paramLabel = "FILE", description = "CSV with a header row, NDJSON (one JSON object per line), or JSON "
            + "(a JSON array of objects, or one object).")
    Path file;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Event type of the rows, e.g. translation_delivered.")
    String type;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "csv, ndjson or json (default: from the extension: .csv, .ndjson/.jsonl, .json).")
    FileUploader.Format format;

    @Option(names = "--ingest", defaultValue = "http://127.0.0.1:8081", paramLabel = "URL",
            description = "The ingest service (default: ${DEFAULT-VALUE}).")
    URI ingest;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".pulse", description = "Where ./pulse up keeps "
            + "its development API key, used unless PULSE_API_KEY is set (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            err.println("pulse: " + file + ": no such readable file");
            return BAD_INPUT;
        }
        FileUploader.Format sentAs;
        try {
            sentAs = format != null ? format : FileUploader.Format.of(file);
        } catch (IllegalArgumentException e) {
            err.println("pulse: " + e.getMessage());
            return BAD_INPUT;
        }
        Path sent = file;
        boolean byItem = false;
        try {
            if (sentAs == FileUploader.Format.JSON) {
                EventFileLayout layout = EventFileLayout.of(file);
                if (layout != EventFileLayout.NDJSON) {
                    // read whole before anything is sent: broken JSON at the end refuses the file, not half of it
                    sent = Files.createTempFile("pulse-send-", ".ndjson");
                    JsonItems.toNdjson(file, layout, sent);
                    byItem = true;
                }
            }
            JsonNode result;
            // A bar redraws one line of a terminal; a log or a pipe gets plain lines instead.
            try (UploadProgress progress = System.console() != null ? new TerminalProgress(System.out) : new PlainProgress(out)) {
                result = new FileUploader(ingest, Credentials.find(cli.home().resolve(dataDir))).upload(sent, type, sentAs, progress);
            } catch (UploadException e) {
                err.println("pulse: " + e.getMessage());
                return FAILED;
            }
            report(result, byItem, out);
            if (!result.path("state").asText().equals("done")) {
                return FAILED;
            }
            return result.path("rejected").asLong() > 0 ? ROWS_REJECTED : 0;
        } catch (EventFileLayout.NotJsonEventsException | JsonItems.BadJsonException e) {
            err.println("pulse: " + e.getMessage());
            return BAD_INPUT;
        } finally {
            if (!sent.equals(file)) {
                Files.deleteIfExists(sent);
            }
        }
    }

    /** @param byItem whether rows are numbered by item of a JSON file rather than by line */
    private void report(JsonNode status, boolean byItem, PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "upload %s of %s as %s: %s%n", status.path("upload_id").asText(), file.getFileName(), type,
                status.path("state").asText());
        out.printf(Locale.ROOT, "  rows read  %,d%n  accepted   %,d%n  rejected   %,d%n", status.path("rows_read").asLong(),
                status.path("accepted").asLong(), status.path("rejected").asLong());
        if (status.path("backfill").asLong() > 0) {
            out.printf(Locale.ROOT, "  backfill   %,d accepted rows older than their metrics' allowed lateness: merged "
                    + "into buckets already published%n", status.path("backfill").asLong());
        }
        if (status.hasNonNull("failure")) {
            out.println("  failure    " + status.path("failure").asText());
        }
        JsonNode errors = status.path("errors");
        if (!errors.isEmpty()) {
            out.println(byItem ? "  first rejected events (by item of the file, from 1):"
                    : "  first rejected rows (by line of the file):");
            for (JsonNode row : errors) {
                for (JsonNode e : row.path("errors")) {
                    String field = e.path("field").asText();
                    out.printf(Locale.ROOT, "    %s %d%s: %s%n", byItem ? "item" : "line", row.path("index").asLong(),
                            field.isEmpty() ? "" : " " + field,
                            e.path("message").asText());
                }
            }
        }
        out.flush();
    }
}
