package io.pulse.common.bucket;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The distinct values of a field in a bucket: the values themselves while there are at most {@link #EXACT_LIMIT},
 * so small counts are exact, then an Apache DataSketches HyperLogLog sketch, so large ones stay small and
 * mergeable. Immutable: updates return a new sketch. On the wire it is a compact byte string (base64 in JSON).
 */
public final class DistinctSketch {

    /** Most values kept exactly per bucket; one more and the bucket switches to HyperLogLog. */
    public static final int EXACT_LIMIT = 1000;
    /** log2 of the HLL sketch's buckets: about 1.6 % relative standard error in 2.5 KiB. */
    static final int LG_K = 12;
    private static final byte EXACT = 0;
    private static final byte HLL = 1;

    private final SortedSet<String> exact;
    private final HllSketch hll;

    private DistinctSketch(SortedSet<String> exact, HllSketch hll) {
        this.exact = exact;
        this.hll = hll;
    }

    public static DistinctSketch empty() {
        return new DistinctSketch(Collections.emptySortedSet(), null);
    }

    public boolean isExact() {
        return hll == null;
    }

    public DistinctSketch add(String value) {
        if (isExact()) {
            if (exact.contains(value)) {
                return this;
            }
            TreeSet<String> values = new TreeSet<>(exact);
            values.add(value);
            return values.size() <= EXACT_LIMIT ? new DistinctSketch(values, null) : new DistinctSketch(null, hllOf(values));
        }
        HllSketch copy = hll.copy();
        copy.update(value);
        return new DistinctSketch(null, copy);
    }

    /** The sketch of the union of both buckets' values. */
    public DistinctSketch merge(DistinctSketch other) {
        if (isExact() && other.isExact()) {
            TreeSet<String> values = new TreeSet<>(exact);
            values.addAll(other.exact);
            return values.size() <= EXACT_LIMIT ? new DistinctSketch(values, null) : new DistinctSketch(null, hllOf(values));
        }
        Union union = new Union(LG_K);
        union.update(asHll());
        union.update(other.asHll());
        return new DistinctSketch(null, union.getResult(TgtHllType.HLL_4));
    }

    /** The number of distinct values: exact, or the HyperLogLog estimate. */
    public double estimate() {
        return isExact() ? exact.size() : Math.round(hll.getEstimate());
    }

    /**
     * Relative error bound of {@link #estimate()} at about 95 % confidence (two standard errors); 0 when exact.
     */
    public double relativeError() {
        return isExact() ? 0 : HllSketch.getRelErr(true, true, LG_K, 2);
    }

    private HllSketch asHll() {
        return isExact() ? hllOf(exact) : hll;
    }

    private static HllSketch hllOf(Iterable<String> values) {
        HllSketch sketch = new HllSketch(LG_K, TgtHllType.HLL_4);
        values.forEach(sketch::update);
        return sketch;
    }

    @JsonValue
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            if (isExact()) {
                out.writeByte(EXACT);
                out.writeInt(exact.size());
                for (String value : exact) {
                    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
            } else {
                out.writeByte(HLL);
                out.write(hll.toCompactByteArray());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @JsonCreator
    public static DistinctSketch fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            if (in.readByte() == HLL) {
                return new DistinctSketch(null, HllSketch.heapify(java.util.Arrays.copyOfRange(bytes, 1, bytes.length)));
            }
            TreeSet<String> values = new TreeSet<>();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                values.add(new String(utf8, StandardCharsets.UTF_8));
            }
            return new DistinctSketch(values, null);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a distinct sketch", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistinctSketch d && java.util.Arrays.equals(toBytes(), d.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
