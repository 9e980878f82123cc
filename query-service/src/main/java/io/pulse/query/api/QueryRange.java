package io.pulse.query.api;

import io.pulse.common.pipeline.Metric;
import io.pulse.query.store.BucketRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code from} and {@code to} of a question, as given or spanning the stored data. */
final class QueryRange {

    private QueryRange() {
    }

    /**
     * {@code [from, to)}: as given, or by default spanning the stored data (a moving window also shows the step
     * after the last event); empty when nothing is stored and no range was given.
     */
    static Optional<Instant[]> of(BucketRepository buckets, Metric metric, String fromText, String toText, Duration step,
                                  boolean moving) {
        Optional<Instant> from = QueryParameters.instant("from", fromText).map(t -> floor(t, metric.granularity()));
        Optional<Instant> to = QueryParameters.instant("to", toText);
        if (from.isEmpty() || to.isEmpty()) {
            Optional<Instant[]> span = buckets.span(metric.name());
            if (span.isEmpty()) {
                return Optional.empty();
            }
            Instant lastEnd = span.get()[1].plus(metric.granularity());
            from = from.or(() -> Optional.of(floor(span.get()[0], step)));
            to = to.or(() -> Optional.of(moving ? lastEnd.plus(step) : lastEnd));
        }
        if (!from.get().isBefore(to.get())) {
            throw QueryParameters.invalid("from", "must be before to (" + from.get() + " is not before " + to.get() + ")",
                    List.of("a time before " + to.get()));
        }
        return Optional.of(new Instant[] {from.get(), to.get()});
    }

    private static Instant floor(Instant t, Duration unit) {
        long u = unit.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), u) * u);
    }
}
