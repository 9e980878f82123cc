package io.pulse.query.api;

import io.pulse.common.pipeline.Durations;
import io.pulse.common.problem.ProblemException;
import io.pulse.common.problem.Problems;
import io.pulse.query.QueryConfig;
import io.pulse.query.time.Step;
import java.time.Duration;
import java.util.List;

/**
 * The caps on the work one question may ask for, each answered by a problem whose type names the cap and whose
 * {@code limit} and {@code setting} say its value and where it is set (docs/api.md, "Limits").
 */
final class QueryLimits {

    private static final String PREFIX = "pulse.query.";

    private QueryLimits() {
    }

    /**
     * More points than {@link QueryConfig#maxPoints()}: a mistake of {@code parameter} ({@code step} before reading,
     * {@code group_by} after), as it always was, with the cap's {@code limit} and {@code setting}.
     */
    static ProblemException tooManyPoints(String parameter, String what, List<String> allowed, long max) {
        return Problems.overLimit(400, "invalid-parameter", "Invalid query parameter", parameter + ": " + what, max,
                PREFIX + "max-points").with("parameter", parameter).with("allowed", allowed).exception();
    }

    /** {@code k} of {@code /top}: 1 up to {@link QueryConfig#maxTopK()}, 10 (or the cap, if lower) when absent. */
    static int topK(QueryConfig config, String text) {
        int max = config.maxTopK();
        if (text == null || text.isBlank()) {
            return Math.min(10, max);
        }
        long k;
        try {
            k = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            k = 0;
        }
        if (k < 1) {
            throw QueryParameters.invalid("k", "'" + text + "' is not a whole number from 1 to " + max,
                    List.of("1…" + max));
        }
        if (k > max) {
            throw problem(400, "too-many-groups", "Too many groups asked for", "k: " + k + " groups asked for, more "
                    + "than the " + max + " one ranking may answer", max, "max-top-k", "k", List.of("1…" + max));
        }
        return (int) k;
    }

    /** A ranking that would read more stored groups than {@link QueryConfig#maxRankedGroups()}. */
    static ProblemException tooManyRankedGroups(QueryConfig config) {
        long max = config.maxRankedGroups();
        return problem(400, "too-many-ranked-groups", "Too many groups to rank", "the range holds more than " + max
                        + " stored groups to rank; narrow it with a where filter or a shorter range", max,
                "max-ranked-groups", "where", List.of("a where filter on a group field", "a shorter range"));
    }

    /** A moving window no longer than {@link QueryConfig#maxWindow()}; a calendar window counts at its average length. */
    static void window(QueryConfig config, Step window) {
        Duration max = config.maxWindow();
        if (window.nominalMillis() > max.toMillis()) {
            throw problem(400, "window-too-long", "Window too long", "window: " + window.name() + " is longer than the "
                    + Durations.format(max) + " a moving window may look back", Durations.format(max), "max-window",
                    "window", List.of("a window of at most " + Durations.format(max)));
        }
    }

    /** No more bounding boxes than {@link QueryConfig#maxBoxes()}. */
    static void boxes(int maxBoxes, int count) {
        if (count > maxBoxes) {
            throw problem(400, "too-many-boxes", "Too many bounding boxes", "where: " + count + " bbox filters, more "
                    + "than the " + maxBoxes + " one question may hold", maxBoxes, "max-boxes", "where",
                    List.of("at most " + maxBoxes + " bbox filters", "several questions"));
        }
    }

    /** No box of more cells than {@link QueryConfig#maxBoxCells()}. */
    static void boxCells(long maxCells, String box, long cells, int precision) {
        if (cells > maxCells) {
            throw problem(400, "box-too-large", "Bounding box too large", "where: " + box + " covers " + cells
                    + " cells of precision " + precision + ", more than " + maxCells, maxCells, "max-box-cells", "where",
                    List.of("a smaller box", "several smaller boxes in separate queries"));
        }
    }

    private static ProblemException problem(int status, String slug, String title, String detail, Object limit,
                                            String setting, String parameter, List<String> allowed) {
        return Problems.overLimit(status, slug, title, detail, limit, PREFIX + setting)
                .with("parameter", parameter).with("allowed", allowed).exception();
    }
}
