package io.pulse.query.api;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The column names of an export: the kept group fields, then {@code date} (steps of whole days) or {@code time},
 * then the aggregation of the metric's value, e.g. {@code Song,date,sum(Number of Plays)}; or as {@code columns}
 * renames them, one name per column.
 */
record ExportColumns(List<String> names) {

    static ExportColumns of(Metric metric, Aggregation agg, List<String> groupBy, boolean dates, String columns) {
        List<String> defaults = new ArrayList<>(groupBy);
        defaults.add(dates ? "date" : "time");
        defaults.add(valueName(metric, agg));
        if (columns == null || columns.isBlank()) {
            return new ExportColumns(List.copyOf(defaults));
        }
        List<String> names = Arrays.stream(columns.split(",", -1)).map(String::trim).toList();
        if (names.size() != defaults.size()) {
            throw QueryParameters.invalid("columns", names.size() + " names for " + defaults.size() + " columns ("
                    + String.join(",", defaults) + ")", List.of(defaults.size() + " comma-separated names"));
        }
        if (names.stream().anyMatch(String::isEmpty)) {
            throw QueryParameters.invalid("columns", "'" + columns + "' has an empty name",
                    List.of(defaults.size() + " comma-separated names"));
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw QueryParameters.invalid("columns", "'" + columns + "' names a column twice",
                    List.of(defaults.size() + " distinct names"));
        }
        return new ExportColumns(names);
    }

    private static String valueName(Metric metric, Aggregation agg) {
        if (agg.kind() == Aggregation.Kind.COUNT) {
            return "count";
        }
        String field = agg.kind() == Aggregation.Kind.DISTINCT ? metric.distinctField() : metric.valueField();
        return field == null ? agg.wireName() : agg.wireName() + "(" + field + ")";
    }
}
