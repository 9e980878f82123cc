package io.pulse.stack.cli;

import io.pulse.stack.LocalStack;
import io.pulse.stack.StackConfig;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.services.Service;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "up", mixinStandardHelpOptions = true, description = "Start Kafka, PostgreSQL and the three services; Ctrl-C stops them all.")
class UpCommand implements Callable<Integer> {

    @ParentCommand
    PulseCli cli;

    @Mixin
    StackOptions options;

    @Override
    public Integer call() throws InterruptedException {
        StackConfig config = options.config(cli.home());
        LocalStack stack = LocalStack.start(config, System.out);
        printUrls(stack, config, System.out);
        runUntilInterrupted(stack);
        return 0;
    }

    static void printUrls(LocalStack stack, StackConfig config, PrintStream out) {
        out.println();
        out.println("[stack] Pulse is up. Data in " + config.dataDir());
        out.println("[stack]   Kafka        " + stack.kafkaBootstrapServers());
        out.println("[stack]   PostgreSQL   " + stack.postgresJdbcUrl());
        for (Service s : Service.values()) {
            if (config.without().contains(s)) {
                continue;
            }
            out.printf("[stack]   %-12s %s  (health %s/q/health, metrics %s/q/metrics)%n", s.label(), stack.url(s),
                    stack.managementUrl(s), stack.managementUrl(s));
        }
        if (!config.without().contains(Service.QUERY)) {
            // the key rides in the fragment, which the browser keeps to itself: the console stores it and drops it
            out.println("[stack]   console      " + stack.url(Service.QUERY) + "/#key=" + stack.apiKey());
        }
        out.println("[stack]   API key      " + stack.apiKey() + "  (every scope; in " + config.dataDir().resolve(
                Credentials.KEY_FILE) + ", used by ./pulse demo, send and export; send it as Authorization: Bearer <key>)");
        out.println("[stack] Ctrl-C stops everything.");
        out.println();
    }

    /** Keeps the stack up until the JVM is asked to stop, then stops it before the JVM exits. */
    static void runUntilInterrupted(LocalStack stack) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("[stack] stopping…");
            stack.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
