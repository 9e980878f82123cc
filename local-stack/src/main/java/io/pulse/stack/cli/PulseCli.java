package io.pulse.stack.cli;

import io.pulse.common.pipeline.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.logging.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code ./pulse}: the local stack and the one-command demo. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Pulse 0.1.0",
        description = "Real-time event analytics on Kafka, run locally without Docker.",
        footer = {"", "Kafka's console tools, against the local broker unless --bootstrap-server names another:",
                "  ./pulse kafka-console-producer --topic TOPIC [their options]",
                "  ./pulse kafka-console-consumer --topic TOPIC [their options]"},
        subcommands = {UpCommand.class, DemoCommand.class, MovingAverageCommand.class, SendCommand.class, ExportCommand.class, KeyCommand.class})
public class PulseCli {

    /** The repository root; {@code ./pulse} passes it, running from elsewhere falls back to the working directory. */
    Path home() {
        return Path.of(System.getProperty("pulse.home", ".")).toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        quietLibraryLogging();
        System.exit(commandLine().execute(args));
    }

    /** The command line with Pulse's handling of mistakes: one line saying what is wrong, no stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PulseCli()).setCaseInsensitiveEnumValuesAllowed(true);
        // A mistaken flag gets one line naming it, not the whole usage text.
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine cmd = e.getCommandLine();
            String command = cmd.getCommandSpec().qualifiedName(" ").replaceFirst("^pulse", "./pulse");
            cmd.getErr().println("pulse: " + e.getMessage() + " (see " + command + " --help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean userError = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof PipelineException;
            cmd.getErr().println("pulse: " + e.getMessage());
            if (!userError) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli;
    }

    /** The launcher's logging: warnings and errors of the libraries only. */
    static void quietLibraryLogging() {
        try (InputStream in = PulseCli.class.getResourceAsStream("/pulse-logging.properties")) {
            LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
