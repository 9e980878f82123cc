package io.pulse.query.api;

import io.pulse.common.pipeline.Metric;
import io.pulse.query.store.BucketReader;
import io.pulse.query.time.Step;
import io.pulse.query.time.Zoning;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code from} and {@code to} of a question, as given or spanning the stored data. */
final class QueryRange {

    private QueryRange() {
    }

    /**
     * {@code [from, to)}: as given (absolute, or relative to {@code now}; in UTC, from is moved back to the start of
     * its bucket, in a zone the question's step says where its points fall); or by default spanning the stored data
     * from the start of the first {@code step} ({@code null}: the first bucket), a moving window also showing the
     * step after the last event; empty when nothing is stored and no range was given.
     */
    static Optional<Instant[]> of(BucketReader buckets, Metric metric, Zoning zoning, Instant now, String fromText,
                                  String toText, Step step, boolean moving) {
        Optional<Instant> from = TimeParameters.instant("from", fromText, zoning, now)
                .map(t -> zoning.local() ? t : Instant.ofEpochMilli(metric.bucketStart(t.toEpochMilli())));
        Optional<Instant> to = TimeParameters.instant("to", toText, zoning, now);
        if (from.isEmpty() || to.isEmpty()) {
            Optional<Instant[]> span = buckets.span(metric.name());
            if (span.isEmpty()) {
                return Optional.empty();
            }
            Instant lastEnd = Instant.ofEpochMilli(metric.bucketEnd(span.get()[1].toEpochMilli()));
            Instant first = span.get()[0];
            from = from.or(() -> Optional.of(step == null ? first : step.floor(first)));
            to = to.or(() -> Optional.of(moving ? step.ahead(lastEnd) : lastEnd));
        }
        if (!from.get().isBefore(to.get())) {
            throw QueryParameters.invalid("from", "must be before to (" + from.get() + " is not before " + to.get() + ")",
                    List.of("a time before " + to.get()));
        }
        return Optional.of(new Instant[] {from.get(), to.get()});
    }
}
