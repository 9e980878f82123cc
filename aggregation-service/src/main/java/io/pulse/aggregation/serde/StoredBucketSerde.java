package io.pulse.aggregation.serde;

import io.pulse.aggregation.buckets.StoredBucket;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.datasketches.common.SketchesException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The bucket store's value format: a bucket is read and written on every event, and JSON with base64 sketches cost
 * most of the aggregation's time. This is a flat binary layout with the sketches' own compact bytes inside.
 *
 * <pre>
 * version (1) · start (8) · late (8) · flags (1: final 1, revised 2) · group size (4) · per field: name, value (absent: -1 length)
 * count (8) · sum (8) · min, max (presence byte, 8) · distinct, quantiles, revision (length, -1 when absent; bytes)
 * </pre>
 */
public final class StoredBucketSerde implements Serde<StoredBucket> {

    private static final byte VERSION = 2;
    private static final byte FINAL = 1;
    private static final byte REVISED = 2;
    private static final int ABSENT = -1;

    @Override
    public Serializer<StoredBucket> serializer() {
        return (topic, stored) -> stored == null ? null : write(stored);
    }

    @Override
    public Deserializer<StoredBucket> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(StoredBucket stored) {
        List<byte[]> group = new ArrayList<>(stored.group().size() * 2);
        int size = 1 + 8 + 8 + 1 + 4;
        for (Map.Entry<String, String> field : stored.group().entrySet()) {
            group.add(utf8(field.getKey()));
            group.add(utf8(field.getValue()));
        }
        for (byte[] text : group) {
            size += 4 + (text == null ? 0 : text.length);
        }
        Bucket bucket = stored.bucket();
        byte[] distinct = bucket.distinct() == null ? null : bucket.distinct().toBytes();
        byte[] quantiles = bucket.quantiles() == null ? null : bucket.quantiles().toBytes();
        byte[] revision = utf8(stored.revision());
        size += 8 + 8 + 9 + 9 + 4 + length(distinct) + 4 + length(quantiles) + 4 + length(revision);

        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION).putLong(stored.start()).putLong(bucket.late())
                .put((byte) ((stored.isFinal() ? FINAL : 0) | (bucket.revised() ? REVISED : 0)));
        out.putInt(stored.group().size());
        group.forEach(text -> putBytes(out, text));
        out.putLong(bucket.count()).putDouble(bucket.sum());
        putDouble(out, bucket.min());
        putDouble(out, bucket.max());
        putBytes(out, distinct);
        putBytes(out, quantiles);
        putBytes(out, revision);
        return out.array();
    }

    static StoredBucket read(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new SerializationException("unknown stored bucket format version " + version
                        + ": state written by another version of Pulse (see docs/operations.md, Upgrades)");
            }
            long start = in.getLong();
            long late = in.getLong();
            byte flags = in.get();
            int fields = in.getInt();
            SortedMap<String, String> group = new TreeMap<>();
            for (int i = 0; i < fields; i++) {
                group.put(string(in), string(in));
            }
            long count = in.getLong();
            double sum = in.getDouble();
            Double min = getDouble(in);
            Double max = getDouble(in);
            byte[] distinct = getBytes(in);
            byte[] quantiles = getBytes(in);
            String revision = string(in);
            Bucket bucket = new Bucket(count, sum, min, max,
                    distinct == null ? null : DistinctSketch.fromBytes(distinct),
                    quantiles == null ? null : QuantileSketch.fromBytes(quantiles), late, (flags & REVISED) != 0);
            return new StoredBucket(group, start, bucket, (flags & FINAL) != 0, revision);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException | SketchesException e) {
            throw new SerializationException("corrupt stored bucket of " + bytes.length + " bytes", e);
        }
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(ABSENT);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length == ABSENT) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = getBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void putDouble(ByteBuffer out, Double value) {
        out.put((byte) (value == null ? 0 : 1)).putDouble(value == null ? 0 : value);
    }

    private static Double getDouble(ByteBuffer in) {
        boolean present = in.get() != 0;
        double value = in.getDouble();
        return present ? value : null;
    }
}
