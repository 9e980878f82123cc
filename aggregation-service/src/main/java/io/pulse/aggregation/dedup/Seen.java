package io.pulse.aggregation.dedup;

import io.pulse.common.event.CanonicalEvent;

/**
 * An event as the {@link DuplicateFilter} found it: new, or a repeat of an id already counted within the horizon.
 *
 * @param event  the event
 * @param repeat whether it repeats an id already counted: it is not counted again
 */
public record Seen(CanonicalEvent event, boolean repeat) {
}
