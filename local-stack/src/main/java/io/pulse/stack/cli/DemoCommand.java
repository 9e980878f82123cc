package io.pulse.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.stack.LocalStack;
import io.pulse.stack.StackConfig;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.LogFiles;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Start the stack (or use the running one), "
        + "send the sample translation events and print their 10-minute moving average from the query API. The "
        + "services log to files in the data directory's logs/ folder, which the demo names.")
class DemoCommand implements Callable<Integer> {

    private static final String TYPE = "translation_delivered";
    private static final String METRIC = "delivery_time";
    /** The sample's events fall between 18:11 and 18:24; the last point shows the window after the last event. */
    private static final String RANGE = "from=2018-12-26T18:11:00Z&to=2018-12-26T18:25:00Z";

    @ParentCommand
    PulseCli cli;

    @Mixin
    StackOptions options;

    @Option(names = "--exit", description = "Stop a stack the demo started once the answer is printed.")
    boolean exit;

    @Override
    public Integer call() throws InterruptedException, IOException {
        StackConfig config = options.config(cli.home());
        PrintStream out = System.out;
        String ingest = "http://127.0.0.1:" + config.ingestPort();
        String query = "http://127.0.0.1:" + config.queryPort();
        String key = Credentials.ensureDevKey(config.dataDir());
        PulseClient client = new PulseClient(ingest, query, Optional.of(key));
        LocalStack stack = null;
        if (client.isReady("http://127.0.0.1:" + config.ingestManagementPort())
                && client.isReady("http://127.0.0.1:" + config.queryManagementPort())) {
            out.println("[demo] using the stack already running on " + ingest + " and " + query);
        } else {
            LogFiles logs = new LogFiles(config.dataDir().resolve("logs"));
            logLauncherTo(logs.file("stack"));
            out.println("[demo] starting the stack; the services log to " + String.join(", ", Arrays.stream(
                    Service.values()).map(s -> shown(logs.file(s.label()))).toList()) + ", the broker and "
                    + "PostgreSQL to " + shown(logs.file("stack")));
            stack = LocalStack.start(config, out, logs);
        }
        try {
            Path sample = cli.home().resolve("samples/translations.ndjson");
            JsonNode sent = client.sendNdjson(TYPE, sample);
            out.println("[demo] sent " + sample.getFileName() + " to " + ingest + "/v1/events/" + TYPE + " → " + sent);
            awaitCount(client, sent.path("accepted").asLong(), Duration.ofMinutes(2));
            JsonNode moving = client.query("/v1/metrics/" + METRIC + "/moving?window=10m&step=1m&agg=avg&" + RANGE);
            print(moving, query, out);
            out.println("See it charted, and live, in the console: " + query + "/?metric=" + METRIC
                    + "&view=moving&agg=avg&window=10m&step=1m&" + RANGE + "&live=1#key=" + key);
            out.println();
        } finally {
            if (stack != null && exit) {
                stack.close();
            }
        }
        if (stack != null && !exit) {
            out.println("[demo] the stack stays up; the services go on logging to "
                    + shown(config.dataDir().resolve("logs")));
            UpCommand.printUrls(stack, config, out);
            UpCommand.runUntilInterrupted(stack);
        }
        return 0;
    }

    /**
     * The launcher's own warnings (the Kafka broker's, PostgreSQL's) go to a file too, so that the terminal shows
     * only the demo; {@code ./pulse up} keeps them on the terminal.
     */
    private static void logLauncherTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
            handler.close();
        }
        FileHandler handler = new FileHandler(file.toString(), false);
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.WARNING);
        root.addHandler(handler);
    }

    /** A path as the user would type it: relative to the working directory when under it. */
    private static String shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }

    /** Waits until the query API has counted at least the events just accepted. */
    private static void awaitCount(PulseClient client, long expected, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode series = client.query("/v1/metrics/" + METRIC + "/series?step=1h&agg=count&" + RANGE);
            long counted = 0;
            for (JsonNode point : series.path("series").path(0).path("points")) {
                counted += point.path("count").asLong();
            }
            if (counted >= expected) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the query API counted " + counted + " of " + expected
                        + " events after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(300);
        }
    }

    private static void print(JsonNode moving, String query, PrintStream out) {
        out.println();
        out.println("Average delivery time over the last 10 minutes, every minute (all clients):");
        out.println("  minute (UTC)        average   events");
        for (JsonNode point : moving.path("series").path(0).path("points")) {
            JsonNode value = point.path("value");
            out.printf("  %-18s  %7s   %6d%n", point.path("ts").asText().replace('T', ' ').replace(":00Z", ""),
                    value.isNull() ? "-" : String.format("%.1f", value.asDouble()), point.path("count").asLong());
        }
        out.println();
        out.println("Asked with: curl '" + query + "/v1/metrics/" + METRIC + "/moving?window=10m&step=1m&agg=avg&" + RANGE + "'");
        out.println();
    }
}
