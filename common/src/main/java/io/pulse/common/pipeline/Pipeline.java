package io.pulse.common.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated pipeline file: the event types Pulse accepts and the metrics it keeps.
 *
 * @param source     where the file was read from, for messages
 * @param eventTypes by name, in file order
 * @param metrics    by name, in file order
 */
public record Pipeline(String source, Map<String, EventType> eventTypes, Map<String, Metric> metrics) {

    public Optional<EventType> eventType(String name) {
        return Optional.ofNullable(eventTypes.get(name));
    }

    public Optional<Metric> metric(String name) {
        return Optional.ofNullable(metrics.get(name));
    }

    /** The metrics computed from events of one type, so a consumer reads each topic once. */
    public List<Metric> metricsOf(String eventType) {
        return metrics.values().stream().filter(m -> m.from().equals(eventType)).toList();
    }
}
