package io.pulse.stack.services;

import io.pulse.stack.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service running as a child process: its output sent where {@link ServiceLogs} say, its readiness
 * awaited on {@code /q/health/ready} of its management interface (a port of its own, apart from the API's), and a
 * clean SIGTERM on stop.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final int KEPT_LINES = 40;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Service service;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Deque<String> lastLines = new ArrayDeque<>();

    private ServiceProcess(Service service, int port, int managementPort, Process process, ServiceLogs.LineSink output,
                           String instance) {
        this.service = service;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        Thread pump = new Thread(() -> pump(output), instance + "-log");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts it with its management interface on a free port ({@link #managementUrl()} tells which).
     *
     * @param jar        the service's {@code quarkus-run.jar}
     * @param port       its HTTP port
     * @param properties configuration passed as system properties, overriding {@code application.properties}
     * @param out        where its output goes, each line prefixed with the service's name
     */
    public static ServiceProcess start(Service service, Path jar, int port, Map<String, String> properties,
                                       List<String> jvmOptions, PrintStream out) {
        return start(service, jar, port, Ports.free(1, port)[0], properties, jvmOptions, ServiceLogs.prefixed(out),
                service.label());
    }

    /**
     * Starts it with its management interface on a free port ({@link #managementUrl()} tells which).
     *
     * @param logs     where its output goes
     * @param instance the name of this instance's output, e.g. {@code aggregation-2} for a second one
     */
    public static ServiceProcess start(Service service, Path jar, int port, Map<String, String> properties,
                                       List<String> jvmOptions, ServiceLogs logs, String instance) {
        return start(service, jar, port, Ports.free(1, port)[0], properties, jvmOptions, logs, instance);
    }

    /**
     * @param managementPort the port of its management interface: health and metrics
     * @param logs           where its output goes
     * @param instance       the name of this instance's output, e.g. {@code aggregation-2} for a second one
     */
    public static ServiceProcess start(Service service, Path jar, int port, int managementPort,
                                       Map<String, String> properties, List<String> jvmOptions, ServiceLogs logs,
                                       String instance) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(service.module() + " is not built (" + jar + " is missing): run "
                    + "'./mvnw package -DskipTests', which ./pulse does for you");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-jar");
        command.add(jar.toString());
        try {
            ServiceLogs.LineSink output = logs.open(instance);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new ServiceProcess(service, port, managementPort, process, output, instance);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.module(), e);
        }
    }

    /** The operating system's process id, e.g. to read its memory from {@code /proc}. */
    public long pid() {
        return process.pid();
    }

    /** Its API: the HTTP port. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Its management interface, where {@code /q/health} and {@code /q/metrics} are. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Blocks until the service reports ready; fails with its last lines of output if it dies or times out. */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service.module() + " exited with code " + process.exitValue()
                        + "; its last output:\n" + lastOutput());
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.module(), e);
            }
            sleep(250);
        }
        throw new IllegalStateException(service.module() + " was not ready within " + timeout.toSeconds()
                + " s; its last output:\n" + lastOutput());
    }

    /** Kills the process without warning, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(Duration.ofSeconds(30))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized String lastOutput() {
        return String.join("\n", lastLines);
    }

    private void pump(ServiceLogs.LineSink output) {
        try (output; BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                }
                output.line(line);
            }
        } catch (IOException e) {
            // the process has gone, or its log cannot be written; its exit is reported by whoever waits for it
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
