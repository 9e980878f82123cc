package io.pulse.bench.workload;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answer computed by the bench from the raw events: per group (the values of the group fields, in order) and
 * per bucket start, the count, the sum and, for distinct metrics, the distinct values.
 */
public final class Expected {

    /** One bucket of one group. */
    public static final class Cell {
        long count;
        double sum;
        Set<String> distinct;

        public long count() {
            return count;
        }

        public double value(String agg) {
            return switch (agg) {
                case "count" -> count;
                case "sum" -> sum;
                case "avg" -> sum / count;
                case "distinct" -> distinct.size();
                default -> throw new IllegalArgumentException("the bench does not check " + agg);
            };
        }
    }

    private final long granularityMillis;
    private final Map<List<String>, TreeMap<Long, Cell>> groups = new HashMap<>();

    public Expected(long granularityMillis) {
        this.granularityMillis = granularityMillis;
    }

    public long bucketOf(long epochMillis) {
        return Math.floorDiv(epochMillis, granularityMillis) * granularityMillis;
    }

    public void add(List<String> group, long epochMillis, double value) {
        Cell cell = cell(group, epochMillis);
        cell.count++;
        cell.sum += value;
    }

    public void addDistinct(List<String> group, long epochMillis, String value) {
        Cell cell = cell(group, epochMillis);
        cell.count++;
        if (cell.distinct == null) {
            cell.distinct = new HashSet<>();
        }
        cell.distinct.add(value);
    }

    private Cell cell(List<String> group, long epochMillis) {
        return groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(bucketOf(epochMillis), b -> new Cell());
    }

    public Map<List<String>, TreeMap<Long, Cell>> groups() {
        return groups;
    }

    /** Events per bucket over all groups: what the roll-up count series must show once everything is in. */
    public TreeMap<Long, Long> countsByBucket() {
        TreeMap<Long, Long> counts = new TreeMap<>();
        groups.values().forEach(buckets -> buckets.forEach((start, cell) -> counts.merge(start, cell.count, Long::sum)));
        return counts;
    }

    public long granularityMillis() {
        return granularityMillis;
    }
}
