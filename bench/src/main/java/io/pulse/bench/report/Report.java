package io.pulse.bench.report;

import io.pulse.bench.run.ProcessMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes {@code README.md} and its PNG charts for one bench run. */
public final class Report {

    /** The targets the report checks each figure against. */
    static final int TARGET_EVENTS = 1_000_000;
    static final double TARGET_SECONDS = 15;
    static final double TARGET_SPEED_UP = 10;

    private Report() {
    }

    /**
     * @param header what ran where: command, date, commit, machine
     */
    public static String write(Results results, List<String> types, List<Integer> sizes, String header, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        Charts.throughput(results, types, sizes, dir.resolve("throughput.png"));
        Charts.freshness(results, dir.resolve("freshness.png"));
        if (!results.memory.isEmpty()) { // a checkpoint within the first stack has no memory figures yet
            Charts.memory(results, dir.resolve("memory.png"));
        }
        if (results.cli != null) {
            Charts.cli(results, dir.resolve("cli-vs-python.png"));
        }
        String markdown = markdown(results, sizes, header);
        Files.writeString(dir.resolve("README.md"), markdown);
        return markdown;
    }

    static String markdown(Results results, List<Integer> sizes, String header) {
        StringBuilder md = new StringBuilder();
        md.append("# Pulse benchmark report\n\n").append(header).append("\n\n");
        md.append("## Targets\n\n| target | measured | result |\n| --- | --- | --- |\n");
        Optional<Results.Run> target = results.runs.stream()
                .filter(r -> r.type().equals("translation_delivered") && r.size() == TARGET_EVENTS).findFirst();
        md.append("| 1,000,000 `translation_delivered` events end to end in under 15 s | ")
                .append(target.filter(Results.Run::ran).map(r -> fmt("%.1f s (%,.0f events/s)", r.seconds(), r.eventsPerSecond()))
                        .orElse(target.map(Results.Run::status).orElse("not run (add 1000000 to --sizes)")))
                .append(" | ").append(target.filter(Results.Run::ran)
                        .map(r -> r.seconds() < TARGET_SECONDS && r.check().passed() ? "**pass**" : "**fail**").orElse("—"))
                .append(" |\n");
        md.append("| `./pulse moving-average` at least 10× faster than the Python script | ");
        if (results.cli != null && results.cli.cli().note().startsWith("output") && results.cli.python().note().startsWith("output")) {
            md.append(fmt("%.1f× (%.2f s against %.2f s)", results.cli.speedUp(), results.cli.cli().seconds(),
                    results.cli.python().seconds())).append(" | ")
                    .append(results.cli.speedUp() >= TARGET_SPEED_UP && results.cli.cli().correct() ? "**pass**" : "**fail**");
        } else {
 md.append(results.cli == null ? results.cliUnavailable
                    : "CLI: " + results.cli.cli().note() + "; Python: " + results.cli.python().note()).append(" | —");
        }
        md.append(" |\n\n");

        md.append("## End to end, next to the plain Kafka ceilings\n\n![events per second](throughput.png)\n\n");
        md.append("| workload → metric | events | end to end | events/s | plain producer events/s | plain consumer events/s "
                + "| Pulse / producer | freshness p50 / p99 (samples) | answer check |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        for (Results.Run r : results.runs) {
            md.append("| `").append(r.type()).append("` → `").append(r.metric()).append("` | ").append(fmt("%,d", r.size()));
            if (!r.ran()) {
                md.append(" | ").append(r.status()).append(" | | | | | | |\n");
                continue;
            }
            md.append(fmt(" | %.1f s | %,.0f | %,.0f | %,.0f | %.2f | ", r.seconds(), r.eventsPerSecond(),
                    r.ceiling().producerEventsPerSecond(), r.ceiling().consumerEventsPerSecond(),
                    r.eventsPerSecond() / r.ceiling().producerEventsPerSecond()));
            md.append(r.freshness().isEmpty() ? "—" : fmt("%,.0f / %,.0f ms (%d)", r.freshnessPercentile(50),
                    r.freshnessPercentile(99), r.freshness().size()));
            md.append(" | ").append(checkText(r)).append(" |\n");
        }
        md.append("\nHow each was sent:\n\n");
        results.runs.stream().filter(Results.Run::ran).forEach(r -> md.append("- `").append(r.type()).append("` ")
                .append(size(r.size())).append(": ").append(r.transport()).append('\n'));

        md.append("\n## Freshness\n\n![freshness](freshness.png)\n\n");
        if (!results.memory.isEmpty()) {
            md.append("## Memory per process\n\n![memory](memory.png)\n\n| process |");
            results.memory.keySet().forEach(s -> md.append(" ").append(size(s)).append(" run: peak / at end |"));
            md.append("\n| --- |");
            results.memory.keySet().forEach(s -> md.append(" ---: |"));
            md.append('\n');
            for (String process : results.memory.values().iterator().next().keySet()) {
                md.append("| ").append(process).append(" |");
                for (Map<String, ProcessMemory> m : results.memory.values()) {
                    ProcessMemory p = m.get(process);
                    md.append(fmt(" %,.0f / %,.0f MB |", p.peakMb(), p.currentMb()));
                }
                md.append('\n');
            }
        }

        md.append("\n## Offline CLI against plain Python\n\n");
        if (results.cli != null) {
            md.append("![CLI against Python](cli-vs-python.png)\n\n");
            md.append(fmt("The same file of %,d `translation_delivered` events, a 10-minute moving average every minute. "
                    + "Wall-clock time from process start to exit, as a user runs it; each output is compared line by line "
                    + "with the bench's own moving average.\n\n", results.cli.events()));
            md.append("| command | seconds | output |\n| --- | ---: | --- |\n");
            for (var run : List.of(results.cli.cli(), results.cli.python())) {
                md.append("| `").append(run.command()).append("` | ").append(fmt("%.2f", run.seconds())).append(" | ")
                        .append(run.note()).append(" |\n");
            }
        } else {
            md.append(results.cliUnavailable).append('\n');
        }
        md.append(METHOD);
        return md.toString();
    }

    private static String checkText(Results.Run r) {
        var c = r.check();
        String text = c.passed() ? fmt("✅ %,d buckets match", c.buckets()) : fmt("❌ %,d of %,d buckets differ: %s",
                c.mismatches(), c.buckets(), String.join("; ", c.examples()));
        if (c.approximate()) {
            text += fmt(" (%,d within the reported bound itself)", c.withinBound());
        }
        return text;
    }

    static String size(int events) {
        return events >= 1_000_000 && events % 1_000_000 == 0 ? events / 1_000_000 + "M"
                : events >= 1_000 && events % 1_000 == 0 ? events / 1_000 + "K" : Integer.toString(events);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static final String METHOD = """

            ## How it is measured

            - **One stack per size.** For each size the bench starts the whole platform with `io.pulse.stack.LocalStack`,
              the code `./pulse up` runs: PostgreSQL and the Kafka broker (KRaft, inside the bench's JVM), then the three
              packaged services as child processes, on free ports and in a fresh data directory. The workloads then run
              one after another on that stack.
            - **Generated events.** Deterministic from the seed, in event-time order as a client would send them
              (frames: 2 % of them 1–20 s late). The bench computes every expected bucket itself from the raw events:
              counts, sums, distinct users, the geohash of each trip's origin and the NWS heat index of each reading, each
              written in the bench independently of the services' code.
            - **Sending.** JSON-lines workloads go to `POST /v1/events/{type}` as NDJSON requests of up to 10,000 events,
              several at once but never more than the metric's allowed lateness of event time in flight, so concurrency
              alone makes no event late. CSV workloads go to `POST /v1/uploads/{type}` as ten files, which ingest reads one
              after another.
            - **End to end** is from the first byte sent until the query API's count series shows every bucket of the
              workload with exactly its expected count.
            - **Freshness**: for about 20 requests per workload (each upload, for CSV), the time from ingest's 202
              (an upload's `done`) until the bucket holding the request's last event counts every event of that bucket
              sent so far. One poller reads the workload's count series every 50 ms for both figures (so freshness is
              resolved to about 50 ms plus a query), to keep the bench's own load on the stack small.
            - **Answer check**: after completion, the metric's series over the whole range, per bucket and per group,
              with the workload's aggregation (translation: sum of `duration` per client; frames: distinct users; trips:
              count per region and origin cell; weather: average heat index per city; songs: sum of plays per song),
              against the bench's own. Counts must be equal; sums exact; distinct counts within twice the relative error
              the API reports (its bound is about 95 % confidence); averages of the heat index within 0.005 °F.
            - **Ceilings**, in the same run on the same broker: a plain Kafka producer sends the same raw lines to a
              topic of the same partitions with ingest's producer settings (idempotent, `acks=all`, lz4, 5 ms linger,
              256 KiB batches) until flushed; a plain consumer then reads them back. Neither parses, validates or
              aggregates anything.
            - **Memory**: VmHWM (peak) and VmRSS (at the end of the size's run) from `/proc/<pid>/status`. The launcher
              JVM holds the Kafka broker *and* the bench itself (its generated events and expected answers). PostgreSQL
              is the postmaster and its children summed, which counts shared buffers more than once.
            - Everything shares the machine's cores: the client, the broker, the three services and PostgreSQL.
            """;
}
