package io.pulse.bench;

import io.pulse.bench.report.Report;
import io.pulse.bench.report.Results;
import io.pulse.bench.run.AnswerCheck;
import io.pulse.bench.run.Ceilings;
import io.pulse.bench.run.CliVsPython;
import io.pulse.bench.run.Ingestion;
import io.pulse.bench.run.ProcessMemory;
import io.pulse.bench.run.QueryApi;
import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Translations;
import io.pulse.bench.workload.Workload;
import io.pulse.bench.workload.Workloads;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.LocalStack;
import io.pulse.stack.Ports;
import io.pulse.stack.StackConfig;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.LogManager;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./pulse bench}: the five workloads through the whole stack, checked and written up as a report. */
@Command(name = "pulse bench", mixinStandardHelpOptions = true,
        description = "Generate each workload at each size, run it through a fresh local stack, check every answer, "
                + "measure the plain Kafka ceilings and the offline CLI against Python, and write a Markdown report "
                + "with PNG charts.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000",
            description = "Events per workload (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--workloads", split = ",", paramLabel = "TYPE",
            description = "Event types to run (default: all five: translation_delivered, frame, trip, weather_reading, song_play).")
    List<String> workloads;

    @Option(names = "--output", defaultValue = "bench/report", description = "Where README.md and the charts go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--port-base", defaultValue = "19500",
            description = "First of nine consecutive ports tried for the stack; moves up past taken ones (default: ${DEFAULT-VALUE}).")
    int portBase;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each topic, as `./pulse up` makes them (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--warm-up", defaultValue = "300000", paramLabel = "EVENTS",
            description = "Events of each workload sent through each new stack before anything is measured, "
                    + WARM_UP_DAYS + " days earlier in event time so no measured bucket sees them; 0 measures cold "
                    + "services (default: ${DEFAULT-VALUE}).")
    int warmUp;

    /**
     * How much earlier the warm-up's events are: more than a year (song plays span one) plus the largest allowed
     * lateness (31 days), so no warm-up event shares or reopens a measured bucket.
     */
    static final int WARM_UP_DAYS = 500;

    /** The system load average when the run started, for the report's header. */
    private double loadAtStart;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        try (InputStream in = BenchCommand.class.getResourceAsStream("/pulse-logging.properties")) {
            LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("pulse.home", ".")).toAbsolutePath().normalize();
        Path dir = home.resolve(output);
        List<Integer> sorted = sizes.stream().sorted().distinct().toList();
        List<Workload> chosen = workloads == null ? Workloads.ALL : workloads.stream().map(Workloads::byType).toList();
        Pipeline pipeline = PipelineLoader.load(PipelineLoader.BUNDLED);
        Results results = new Results();
        Path work = home.resolve("bench/target/run");
        deleteTree(work);
        Files.createDirectories(work);
        Instant started = Instant.now();
        loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<String> types = chosen.stream().map(Workload::type).toList();
        // The CLI needs no stack: measured first, so that a long run stopped early still has it.
        compareCli(home, work, sorted.get(sorted.size() - 1), results);
        // a report after each workload, so a long run stopped early still leaves what it measured
        Callable<String> checkpoint = () -> {
            List<Integer> measured = sorted.stream().filter(s -> results.runs.stream().anyMatch(r -> r.size() == s)).toList();
            return Report.write(results, types, measured, header(home, started, sorted, results), dir);
        };
        for (int size : sorted) {
            runSize(home, work, pipeline, chosen, size, results, checkpoint);
        }
        String markdown = checkpoint.call();
        out.println();
        out.println(markdown.substring(markdown.indexOf("## Targets"), markdown.indexOf("How each was sent")));
        out.println("[bench] report written to " + dir.resolve("README.md"));
        return 0;
    }

    private void runSize(Path home, Path work, Pipeline pipeline, List<Workload> chosen, int size, Results results,
                         Callable<String> checkpoint) throws Exception {
        int base = freePortBlock(portBase);
        Path data = work.resolve("stack-" + size);
        // Kafka and its controller, PostgreSQL, the three services' API ports, then their management ports
        StackConfig config = new StackConfig(home, data, PipelineLoader.BUNDLED, partitions, base, base + 2, base + 3,
                base + 4, base + 5, base + 6, base + 7, base + 8, Set.of());
        Path log = work.resolve("stack-" + size + ".log");
        out.println("[bench] " + size + " events per workload: starting the stack on ports " + base + "–" + (base + 8)
                + " (service logs in " + home.relativize(log) + ")");
        try (PrintStream stackLog = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
             LocalStack stack = LocalStack.start(config, stackLog)) {
            // Ctrl-C or SIGTERM must not leave the services and PostgreSQL running
            Thread stopper = new Thread(stack::close, "bench-stack-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            QueryApi query = new QueryApi(stack.url(Service.QUERY), stack.apiKey());
            AnswerCheck checker = new AnswerCheck(query);
            Ceilings ceilings = new Ceilings(stack.kafkaBootstrapServers(), partitions);
            try (Ingestion ingestion = new Ingestion(stack.url(Service.INGEST), stack.apiKey(), query)) {
                warmUp(pipeline, chosen, ingestion);
                for (Workload workload : chosen) {
                    results.runs.add(runWorkload(pipeline, workload, size, ingestion, checker, ceilings));
                    checkpoint.call();
                }
            }
            Map<String, ProcessMemory> memory = new LinkedHashMap<>();
            memory.put("launcher JVM (Kafka broker + bench)", ProcessMemory.of(ProcessHandle.current().pid()));
            for (Service service : Service.values()) {
                memory.put(service.module(), ProcessMemory.of(stack.process(service).pid()));
            }
            memory.put("PostgreSQL (all its processes)", ProcessMemory.ofTree(postmasterPid(data)));
            results.memory.put(size, memory);
            Runtime.getRuntime().removeShutdownHook(stopper);
        }
    }

    /**
     * New services spend their first minute compiling their hot code (the JIT compiler threads take a large share
     * of the CPU until the hot paths are compiled; see docs/benchmarks.md). Each workload runs once first, unmeasured
     * and unchecked, so the figures are those of running services and the first workload is not the only one to pay
     * for the compilation.
     */
    private void warmUp(Pipeline pipeline, List<Workload> chosen, Ingestion ingestion) throws Exception {
        if (warmUp <= 0) {
            return;
        }
        for (Workload workload : chosen) {
            Optional<Metric> metric = metric(pipeline, workload);
            if (metric.isPresent()) {
                out.printf("[bench] %s: warming up with %,d events, %d days earlier (not measured)%n", workload.type(),
                        warmUp, WARM_UP_DAYS);
                ingestion.send(workload, workload.generate(warmUp, seed + 1, Duration.ofDays(WARM_UP_DAYS)),
                        metric.get().allowedLateness(), sendTimeout(warmUp));
            }
        }
    }

    /** How long sending {@code events} and seeing every bucket complete may take: 5 minutes, and 1 s per 1,000 more. */
    private static Duration sendTimeout(int events) {
        return Duration.ofSeconds(300 + events / 1_000);
    }

    private static Optional<Metric> metric(Pipeline pipeline, Workload workload) {
        return pipeline.metric(workload.metric()).filter(m -> m.from().equals(workload.type()))
                .filter(m -> pipeline.eventType(workload.type()).isPresent());
    }

    private Results.Run runWorkload(Pipeline pipeline, Workload workload, int size, Ingestion ingestion,
                                    AnswerCheck checker, Ceilings ceilings) {
        Optional<Metric> metric = metric(pipeline, workload);
        if (metric.isEmpty()) {
            out.println("[bench] " + workload.type() + ": not available in this build");
            return new Results.Run(workload.type(), workload.metric(), size, "not available in this build", null, 0,
                    List.of(), null, null, null);
        }
        try {
            out.printf("[bench] %s × %,d: generating%n", workload.type(), size);
            Generated generated = workload.generate(size, seed);
            out.printf("[bench] %s × %,d: sending%n", workload.type(), size);
            Ingestion.Sent sent = ingestion.send(workload, generated, metric.get().allowedLateness(),
                    sendTimeout(size));
            double seconds = (sent.completeNanos() - sent.startNanos()) / 1e9;
            out.printf("[bench] %s × %,d: every bucket complete after %.1f s (%,.0f events/s); checking%n",
                    workload.type(), size, seconds, size / seconds);
            AnswerCheck.Result check = checker.check(workload, generated);
            out.printf("[bench] %s × %,d: %s; measuring the plain producer and consumer%n", workload.type(), size,
                    check.passed() ? "answers match" : check.mismatches() + " buckets differ: " + check.examples());
            Ceilings.Result ceiling = ceilings.measure(workload.type(), generated);
            return new Results.Run(workload.type(), workload.metric(), size, null, sent.transport(), seconds,
                    sent.freshnessMillis(), check, workload.tolerance(), ceiling);
        } catch (Exception e) {
            out.println("[bench] " + workload.type() + " failed: " + e);
            return new Results.Run(workload.type(), workload.metric(), size, "failed: " + e.getMessage(), null, 0,
                    List.of(), null, null, null);
        }
    }

    private void compareCli(Path home, Path work, int size, Results results) throws IOException, InterruptedException {
        out.printf("[bench] offline moving average of %,d translation events: ./pulse moving-average against Python%n", size);
        Generated translations = new Translations().generate(size, seed);
        Path file = work.resolve("translations-" + size + ".ndjson");
        try (OutputStream f = Files.newOutputStream(file)) {
            for (byte[] line : translations.lines()) {
                f.write(line);
                f.write('\n');
            }
        }
        results.cli = new CliVsPython(home).compare(file, translations);
        out.printf("[bench] CLI %.2f s (%s), Python %.2f s (%s)%n", results.cli.cli().seconds(), results.cli.cli().note(),
                results.cli.python().seconds(), results.cli.python().note());
    }

    /** PostgreSQL writes its postmaster's pid as the first line of this file in its data directory. */
    private static long postmasterPid(Path data) throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    /** Six consecutive free ports (Kafka and its controller, PostgreSQL, the three services) from {@code from} up. */
    private static int freePortBlock(int from) {
        for (int base = from; base < from + 1000; base += 10) {
            int b = base;
            if (Stream.iterate(b, p -> p + 1).limit(9).allMatch(Ports::isFree)) {
                return b;
            }
        }
        throw new IllegalStateException("no nine consecutive free ports from " + from + "; choose --port-base");
    }

    private String header(Path home, Instant started, List<Integer> requested, Results results) {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse(cpu);
        } catch (IOException e) {
            // not Linux: the report says so
        }
        return String.format("Generated by `./pulse bench --sizes %s%s` (seed %d) on %s, in %d min. Commit `%s`; %s, "
                        + "%d cores seen by the JVM; Java %s. Load average (1 min) when the run started: %.1f; when this "
                        + "was written: %.1f (the bench's own processes count in it). %s",
                String.join(",", requested.stream().map(String::valueOf).toList()),
                workloads == null ? "" : " --workloads " + String.join(",", workloads), seed,
                started.truncatedTo(ChronoUnit.SECONDS), Duration.between(started, Instant.now()).toMinutes(),
                commit(home), cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                loadAtStart, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), warmUp > 0
                        ? String.format("Each new stack was first sent %,d events of each workload, %d days earlier in "
                        + "event time, unmeasured: the figures are those of running services, past their JIT warm-up.",
                        warmUp, WARM_UP_DAYS)
                        : "The services were measured cold (`--warm-up 0`): the first workload on each stack pays for "
                        + "their JIT compilation.")
                + (results.runs.size() < requested.size() * workloadCount() ? String.format(" **Written after %d of the "
                + "%d runs of workload and size; the run was still going** (a report is written after each one).",
                results.runs.size(), requested.size() * workloadCount()) : "");
    }

    private int workloadCount() {
        return workloads == null ? Workloads.ALL.size() : workloads.size();
    }

    private static String commit(Path home) {
        try {
            Process git = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "--short", "HEAD").start();
            String sha = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? sha : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
