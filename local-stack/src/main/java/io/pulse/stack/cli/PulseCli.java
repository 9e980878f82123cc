package io.pulse.stack.cli;

import io.pulse.common.pipeline.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pulse}: the local stack and the one-command demo. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Pulse 0.1.0",
        description = "Real-time event analytics on Kafka, run locally without Docker.",
        subcommands = {UpCommand.class, DemoCommand.class})
public class PulseCli {

    /** The repository root; {@code ./pulse} passes it, running from elsewhere falls back to the working directory. */
    Path home() {
        return Path.of(System.getProperty("pulse.home", ".")).toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        quietLibraryLogging();
        CommandLine cli = new CommandLine(new PulseCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean userError = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof PipelineException;
            cmd.getErr().println("pulse: " + e.getMessage());
            if (!userError) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }

    private static void quietLibraryLogging() {
        try (InputStream in = PulseCli.class.getResourceAsStream("/pulse-logging.properties")) {
            LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
