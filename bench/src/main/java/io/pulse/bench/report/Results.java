package io.pulse.bench.report;

import io.pulse.bench.run.AnswerCheck;
import io.pulse.bench.run.Ceilings;
import io.pulse.bench.run.CliVsPython;
import io.pulse.bench.run.ProcessMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one bench run measured, in the order it was measured. */
public final class Results {

    /**
     * One workload at one size.
     *
     * @param status    null when it ran; else why not ("not available in this build", or the failure)
     * @param seconds   first byte sent until every bucket showed its expected count in the query API
     * @param freshness sampled milliseconds from ingest's acknowledgement to the bucket counting the request
     */
    public record Run(String type, String metric, int size, String status, String transport, double seconds,
                      List<Double> freshness, AnswerCheck.Result check, String tolerance,
                      Ceilings.Result ceiling) {

        public double eventsPerSecond() {
            return size / seconds;
        }

        public boolean ran() {
            return status == null;
        }

        public double freshnessPercentile(double p) {
            if (freshness.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = freshness.stream().sorted().toList();
            int rank = (int) Math.ceil(p / 100 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }

    public final List<Run> runs = new ArrayList<>();
    /** Per size, per process (launcher, ingest, aggregation, query, PostgreSQL): memory at the end of that size's stack. */
    public final Map<Integer, Map<String, ProcessMemory>> memory = new LinkedHashMap<>();
    public CliVsPython.Result cli;
    /** Why {@link #cli} is missing. */
    public String cliUnavailable = "not measured";
}
