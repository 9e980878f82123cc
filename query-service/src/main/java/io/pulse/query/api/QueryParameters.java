package io.pulse.query.api;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import io.pulse.query.series.SeriesRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns query-string parameters into a {@link SeriesRequest}, answering every mistake with a 400 naming the parameter. */
public final class QueryParameters {

    private QueryParameters() {
    }

    public static Aggregation agg(Metric metric, String agg) {
        List<String> allowed = metric.aggregations().stream().map(Aggregation::wireName).toList();
        if (agg == null || agg.isBlank()) {
            return metric.aggregations().contains(Aggregation.AVG) ? Aggregation.AVG : metric.aggregations().get(0);
        }
        return Aggregation.fromWireName(agg.trim()).filter(metric.aggregations()::contains)
                .orElseThrow(() -> invalid("agg", "'" + agg + "' is not kept by metric " + metric.name(), allowed));
    }

    /** A positive multiple of the metric's granularity; the granularity itself when absent. */
    public static Duration multipleOfGranularity(Metric metric, String name, String text, boolean required) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw invalid(name, "is required", List.of("a duration such as 10m, 1h, 1d or PT10M"));
            }
            return metric.granularity();
        }
        Duration d = Durations.parse(text).orElseThrow(() -> invalid(name, "'" + text + "' is not a duration",
                List.of("10m", "1h", "1d", "PT10M")));
        long g = metric.granularity().toMillis();
        if (d.toMillis() <= 0 || d.toMillis() % g != 0) {
            throw invalid(name, "'" + text + "' is not a positive multiple of the metric's granularity "
                    + Durations.format(metric.granularity()), List.of("multiples of " + Durations.format(metric.granularity())));
        }
        return d;
    }

    /** Comma-separated group fields, each one of the metric's; {@code name} is the parameter, for messages. */
    public static List<String> groupBy(Metric metric, String text, String name) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> fields = new ArrayList<>(new LinkedHashSet<>(Arrays.stream(text.split(",")).map(String::trim).toList()));
        for (String field : fields) {
            if (!metric.groupBy().contains(field)) {
                throw invalid(name, "'" + field + "' is not a group field of metric " + metric.name(), metric.groupBy());
            }
        }
        return List.copyOf(fields);
    }

    /** {@code field:value}, several values as {@code field:a|b}; several filters on one field accept any of their values, filters on different fields must all hold. */
    public static Map<String, Set<String>> where(Metric metric, List<String> filters) {
        Map<String, Set<String>> where = new LinkedHashMap<>();
        for (String filter : filters == null ? List.<String>of() : filters) {
            int colon = filter.indexOf(':');
            if (colon <= 0) {
                throw invalid("where", "'" + filter + "' is not field:value", List.of("client_name:airliberty", "client_name:a|b"));
            }
            String field = filter.substring(0, colon).trim();
            if (!metric.groupBy().contains(field)) {
                throw invalid("where", "'" + field + "' is not a group field of metric " + metric.name(), metric.groupBy());
            }
            Set<String> values = new LinkedHashSet<>(Arrays.asList(filter.substring(colon + 1).split("\\|")));
            where.merge(field, values, (a, b) -> {
                a.addAll(b);
                return a;
            });
        }
        return where;
    }

    /** A whole number in {@code [min, max]}, or the default when absent. */
    public static int integer(String name, String text, int defaultValue, int min, int max) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, "'" + text + "' is not a whole number from " + min + " to " + max, List.of(min + "…" + max));
    }

    public static ProblemException invalid(String parameter, String what, List<String> allowed) {
        return Problem.of(400, "invalid-parameter", "Invalid query parameter", parameter + ": " + what)
                .with("parameter", parameter).with("allowed", allowed).exception();
    }
}
