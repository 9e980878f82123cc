package io.pulse.ingest.deadletter;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The answer to {@code GET /v1/dead-letters}.
 *
 * @param type        the event type asked for
 * @param since       the earliest receipt time asked for, resolved to an instant
 * @param limit       the most dead letters asked for
 * @param complete    true when these are the newest dead letters of the type since {@code since}; false when the
 *                    scan stopped at its budget or its time first, so some of those may be missing
 * @param scanned     records of every type read from the topic to answer
 * @param deadLetters the dead letters found, newest first
 */
public record DeadLetterPage(String type, Instant since, int limit, boolean complete, long scanned,
                             @JsonProperty("dead_letters") List<ListedDeadLetter> deadLetters) {
}
