package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The distribution of a value in a bucket, as an Apache DataSketches KLL sketch: mergeable, so quantiles over any
 * union of buckets come from merged sketches with a known rank error. Immutable; a compact byte string on the wire.
 * <p>
 * A sketch read from bytes only wraps them, read-only: queries need no copy, and the aggregation, which reads,
 * adds one value to and writes a bucket for every event, makes one heap copy per event instead of two.
 */
public final class QuantileSketch {

    /** KLL accuracy parameter: about 1.3 % normalized rank error (single quantile, 99 % confidence). */
    static final int K = 200;

    private final KllDoublesSketch sketch;
    /** The bytes {@link #sketch} wraps, or null for a sketch on the heap. Never changed, never handed out. */
    private final byte[] wrapped;

    private QuantileSketch(KllDoublesSketch sketch, byte[] wrapped) {
        this.sketch = sketch;
        this.wrapped = wrapped;
    }

    private QuantileSketch(KllDoublesSketch sketch) {
        this(sketch, null);
    }

    public static QuantileSketch empty() {
        return new QuantileSketch(KllDoublesSketch.newHeapInstance(K));
    }

    public QuantileSketch add(double value) {
        KllDoublesSketch copy = copy();
        copy.update(value);
        return new QuantileSketch(copy);
    }

    public QuantileSketch merge(QuantileSketch other) {
        KllDoublesSketch copy = copy();
        copy.merge(other.sketch);
        return new QuantileSketch(copy);
    }

    /** The value at normalized rank {@code q} (inclusive search), or null when the sketch is empty. */
    public Double quantile(double q) {
        return sketch.isEmpty() ? null : sketch.getQuantile(q, QuantileSearchCriteria.INCLUSIVE);
    }

    /** The normalized rank error of a single quantile, at 99 % confidence; 0 while every value is retained. */
    public double rankError() {
        return sketch.getN() <= sketch.getNumRetained() ? 0 : sketch.getNormalizedRankError(false);
    }

    /** A heap sketch of the same values, free to update. */
    private KllDoublesSketch copy() {
        return KllDoublesSketch.heapify(Memory.wrap(wrapped != null ? wrapped : sketch.toByteArray()));
    }

    @JsonValue
    public byte[] toBytes() {
        return wrapped != null ? wrapped.clone() : sketch.toByteArray();
    }

    /** Wraps a copy of the bytes, read-only; bytes that are no KLL sketch are a {@code SketchesArgumentException}. */
    @JsonCreator
    public static QuantileSketch fromBytes(byte[] bytes) {
        byte[] own = bytes.clone();
        return new QuantileSketch(KllDoublesSketch.wrap(Memory.wrap(own)), own);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantileSketch q && Arrays.equals(toBytes(), q.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
