package io.pulse.ingest.deadletter;

import io.pulse.common.pipeline.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code since} of a dead-letter request: an ISO-8601 instant with an offset, or a time back from now as the
 * query service writes it ({@code now}, {@code now-24h}, {@code now-90m}), the duration as the pipeline file writes
 * durations. Only fixed lengths: a day is 24 hours, since dead letters have no calendar of their own to count local
 * days in.
 */
final class SinceParameter {

    static final String NAME = "since";
    /** When {@code since} is absent: the last day, what a console opens on. */
    static final Duration DEFAULT_BACK = Duration.ofHours(24);

    private static final Pattern RELATIVE = Pattern.compile("now(?:-(.+))?");
    private static final List<String> EXAMPLES = List.of("2018-12-26T18:11:00Z", "2018-12-26T18:11:00+01:00", "now",
            "now-24h", "now-30m", "now-7d");

    private SinceParameter() {
    }

    /** The instant {@code text} names, {@code now} less a day when absent; a 400 naming the parameter otherwise. */
    static Instant parse(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return now.minus(DEFAULT_BACK);
        }
        String t = text.trim();
        Matcher relative = RELATIVE.matcher(t);
        if (relative.matches()) {
            if (relative.group(1) == null) {
                return now;
            }
            try {
                return now.minus(Durations.parse(relative.group(1)).orElseThrow(() -> invalid(text)));
            } catch (DateTimeException | ArithmeticException e) {
                throw invalid(text); // further back than an instant goes
            }
        }
        try {
            Instant at = OffsetDateTime.parse(t).toInstant();
            at.toEpochMilli(); // Kafka's timestamps are milliseconds since the epoch
            return at;
        } catch (DateTimeException | ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static RuntimeException invalid(String text) {
        return DeadLetterResource.invalid(NAME, "'" + text + "' is not a time", EXAMPLES).with("value", text).exception();
    }
}
