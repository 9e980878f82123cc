package io.pulse.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics a PromQL expression reads, with the {@code job} its selector names if any. Enough of PromQL for alert
 * rules and dashboards: function and aggregation names, grouping label lists, label matchers, range durations,
 * strings and numbers are not metrics.
 */
final class PromQl {

    /** One metric a selector reads; {@code job} is null when the selector names none. */
    record Reference(String metric, String job) {
    }

    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("bool", "and", "or", "unless", "offset");
    /** Aggregation operators, which may stand before their grouping clause: {@code sum by (job) (…)}. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Pattern JOB = Pattern.compile("\\bjob\\s*=\\s*\"([^\"]*)\"");

    private PromQl() {
    }

    static List<Reference> metrics(String expr) {
        List<Reference> found = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"') {
                i = endOfString(expr, i);
            } else if (c == '[') {
                i = after(expr, ']', i);
            } else if (c == '{') {
                i = endOfSelector(expr, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int wordEnd = i;
                while (wordEnd < expr.length() && (Character.isLetterOrDigit(expr.charAt(wordEnd))
                        || expr.charAt(wordEnd) == '_' || expr.charAt(wordEnd) == ':')) {
                    wordEnd++;
                }
                String word = expr.substring(i, wordEnd);
                int next = skipSpaces(expr, wordEnd);
                if (next < expr.length() && expr.charAt(next) == '(') {
                    i = GROUPING.contains(word) ? after(expr, ')', next) : next + 1;
                } else if (KEYWORDS.contains(word) || AGGREGATIONS.contains(word)) {
                    i = wordEnd;
                } else if (next < expr.length() && expr.charAt(next) == '{') {
                    int end = endOfSelector(expr, next);
                    Matcher job = JOB.matcher(expr.substring(next, end));
                    found.add(new Reference(word, job.find() ? job.group(1) : null));
                    i = end;
                } else {
                    found.add(new Reference(word, null));
                    i = wordEnd;
                }
            } else if (Character.isDigit(c) || c == '.') {
                // A number, exponent included (1e3): never a metric.
                while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else {
                i++;
            }
        }
        return found;
    }

    /** The index after the string literal opening at {@code open}, escapes included. */
    private static int endOfString(String expr, int open) {
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != '"') {
            i += expr.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, expr.length());
    }

    /** The index after the label matchers opening at {@code open}; braces inside values do not close them. */
    private static int endOfSelector(String expr, int open) {
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != '}') {
            i = expr.charAt(i) == '"' ? endOfString(expr, i) : i + 1;
        }
        return Math.min(i + 1, expr.length());
    }

    /** The index after the next {@code c} from {@code from}, or the end: scanning only ever moves forward. */
    private static int after(String expr, char c, int from) {
        int at = expr.indexOf(c, from);
        return at < 0 ? expr.length() : at + 1;
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
