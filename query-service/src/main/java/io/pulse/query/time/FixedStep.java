package io.pulse.query.time;

import io.pulse.common.pipeline.Durations;
import java.time.Duration;
import java.time.Instant;

/** A step of fixed length, counted from the range's first point; as a period, aligned to the epoch. */
public record FixedStep(Duration length) implements Step {

    @Override
    public Instant first(Instant from) {
        return from;
    }

    @Override
    public Instant next(Instant point) {
        return point.plus(length);
    }

    @Override
    public Instant back(Instant t) {
        return t.minus(length);
    }

    @Override
    public Instant ahead(Instant t) {
        return t.plus(length);
    }

    @Override
    public Instant floor(Instant t) {
        long size = length.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), size) * size);
    }

    @Override
    public long nominalMillis() {
        return length.toMillis();
    }

    @Override
    public String name() {
        return Durations.format(length);
    }
}
