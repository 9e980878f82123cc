package io.pulse.bench.run;

import io.pulse.bench.workload.Expected;
import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Compares the query API's answer for a workload, bucket by bucket and group by group, with the bench's own. */
public final class AnswerCheck {

    /**
     * @param buckets       (group, bucket) pairs the bench expected
     * @param mismatches    pairs whose count or value differ, plus buckets the API has and the bench does not
     * @param withinBound   for approximate values: pairs within the bound the API reported (not twice it)
     * @param examples      the first few mismatches, in words
     */
    public record Result(long buckets, long mismatches, long withinBound, boolean approximate, List<String> examples) {

        public boolean passed() {
            return mismatches == 0;
        }
    }

    private final QueryApi query;

    public AnswerCheck(QueryApi query) {
        this.query = query;
    }

    public Result check(Workload workload, Generated generated) {
        Expected expected = generated.expected();
        long granularity = expected.granularityMillis();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        long buckets = 0;
        for (TreeMap<Long, Expected.Cell> cells : expected.groups().values()) {
            from = Math.min(from, cells.firstKey());
            to = Math.max(to, cells.lastKey() + granularity);
            buckets += cells.size();
        }
        List<QueryApi.Point> points = query.series(workload.metric(), workload.agg(), workload.granularity(),
                workload.groupBy(), from, to, expected.groups().size());
        long mismatches = 0;
        long withinBound = 0;
        long seen = 0;
        boolean approximate = false;
        List<String> examples = new ArrayList<>();
        for (QueryApi.Point point : points) {
            Expected.Cell cell = expected.groups().getOrDefault(point.group(), new TreeMap<>()).get(point.ts());
            if (cell == null) {
                if (point.count() != 0) {
                    mismatches++;
                    note(examples, point.group() + " at " + java.time.Instant.ofEpochMilli(point.ts())
                            + ": the API counts " + point.count() + ", the bench none");
                }
                continue;
            }
            seen++;
            double value = cell.value(workload.agg());
            approximate |= point.relativeError() > 0;
            boolean ok = point.count() == cell.count() && point.value() != null
                    && workload.matches(value, point.value(), point.relativeError());
            if (ok && Math.abs(value - point.value()) <= point.relativeError() * value + 1e-9 * Math.max(1, Math.abs(value))) {
                withinBound++;
            }
            if (!ok) {
                mismatches++;
                note(examples, point.group() + " at " + java.time.Instant.ofEpochMilli(point.ts()) + ": the API says "
                        + workload.agg() + " " + point.value() + " over " + point.count() + " events (error "
                        + point.relativeError() + "), the bench " + value + " over " + cell.count());
            }
        }
        mismatches += buckets - seen; // expected buckets the API did not answer at all
        if (buckets != seen) {
            note(examples, (buckets - seen) + " expected buckets missing from the answer");
        }
        return new Result(buckets, mismatches, withinBound, approximate, examples);
    }

    private static void note(List<String> examples, String text) {
        if (examples.size() < 5) {
            examples.add(text);
        }
    }
}
