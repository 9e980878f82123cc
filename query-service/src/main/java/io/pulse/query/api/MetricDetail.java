package io.pulse.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A metric as {@code GET /v1/metrics/{metric}} describes it: its definition, and how complete its answers are.
 *
 * @param metric its definition, as the list of metrics gives it
 * @param events what became of the events of its type
 */
public record MetricDetail(@JsonUnwrapped MetricInfo metric, Events events) {

    /**
     * @param aggregated  events counted in the metric's buckets (as stored: retention drops old ones)
     * @param late        of those, how many arrived after their bucket was final
     * @param duplicates  events of its type dropped as repeats of an id already counted
     * @param deadLetters events of its type rejected, with their reasons on events.dlq
     */
    public record Events(long aggregated, long late, long duplicates, @JsonProperty("dead_letters") long deadLetters) {
    }
}
