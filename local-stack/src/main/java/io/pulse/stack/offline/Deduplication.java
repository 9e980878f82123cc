package io.pulse.stack.offline;

import java.time.Duration;

/**
 * The aggregation service's rule for repeated ids, applied to a file: an event whose id was already seen on an event
 * kept earlier in the file, with event times at most {@code horizon} apart, is dropped (as
 * {@code pulse.aggregation.duplicate-horizon}, 1 h by default, does in the stack). Events without an id are all kept.
 *
 * @param idField the event type's id field ({@code id:} in the pipeline)
 * @param horizon how far apart in event time two events of one id may be for the later to be dropped
 */
public record Deduplication(String idField, Duration horizon) {
}
