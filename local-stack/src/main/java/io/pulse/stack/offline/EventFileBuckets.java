package io.pulse.stack.offline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.event.TimestampException;
import io.pulse.common.event.TimestampParser;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.TimestampSpec;
import io.pulse.stack.eventfile.EventFileLayout;
import io.pulse.stack.eventfile.JsonItems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a file of events into the buckets of a metric, keyed by bucket start, as the aggregation service would keep
 * them (without groups). An NDJSON file is streamed in chunks, never held whole, and split into line-aligned ranges
 * read in parallel, one per core; a JSON array, or objects over several lines, is streamed by Jackson in one thread
 * ({@link EventFileLayout}). Without deduplication memory grows with the number of buckets only; with it, also with
 * the ids remembered.
 *
 * <p>Each event must be one JSON object with the metric's timestamp and numeric value fields. Reading stops at the
 * first that is not, reported by its line. Plain lines take a fast path ({@link PlainJsonLine}); Jackson reads the
 * others.
 *
 * <p>With a {@link Deduplication}, events with an id are decided in file order once every range is read, so that
 * the first of repeated ones is kept, whichever range it is in, as the aggregation service keeps the first it reads.
 */
public final class EventFileBuckets {

    private static final int CHUNK_BYTES = 1 << 20;
    /** Smaller files are not worth a second thread. */
    private static final long MIN_RANGE_BYTES = 4L << 20;
    private static final JsonFactory JSON = Json.MAPPER.getFactory();

    private final Path file;
    private final TimestampSpec timestamp;
    private final TimestampParser timestamps;
    private final Metric metric;
    private final Deduplication deduplication;
    private final AtomicLong firstBadOffset = new AtomicLong(Long.MAX_VALUE);
    private long duplicates;

    /**
     * @param timestamp     where and how the events' time is written
     * @param metric        the metric: its value field and its bucket size
     * @param deduplication how repeated ids are dropped; null to count every event
     */
    public EventFileBuckets(Path file, TimestampSpec timestamp, Metric metric, Deduplication deduplication) {
        this.file = file;
        this.timestamp = timestamp;
        this.timestamps = new TimestampParser(timestamp);
        this.metric = metric;
        this.deduplication = deduplication;
    }

    /** How many events the last {@link #read} dropped for a repeated id. */
    public long duplicates() {
        return duplicates;
    }

    /** The file's buckets by start; empty for a file without events. */
    public NavigableMap<Instant, Bucket> read(int threads) throws IOException, BadLineException,
            JsonItems.BadJsonException, EventFileLayout.NotJsonEventsException {
        duplicates = 0;
        EventFileLayout layout = EventFileLayout.of(file);
        if (layout != EventFileLayout.NDJSON) {
            Range all = new Range(0, 0);
            JsonItems.read(file, layout, (number, line, item) -> item.isObject()
                    ? all.event(item.get(timestamp.field()), item.get(metric.valueField()),
                            deduplication == null ? null : item.get(deduplication.idField()))
                    : "not a JSON object");
            NavigableMap<Instant, Bucket> buckets = new TreeMap<>();
            all.finish(buckets, keptIds());
            return buckets;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int ranges = (int) Math.max(1, Math.min(threads, size / MIN_RANGE_BYTES));
            long[] starts = new long[ranges + 1];
            for (int i = 1; i < ranges; i++) {
                starts[i] = nextLineStart(channel, size * i / ranges, size);
            }
            starts[ranges] = size;
            ExecutorService pool = Executors.newFixedThreadPool(ranges);
            try {
                List<Future<Range>> futures = new ArrayList<>();
                for (int i = 0; i < ranges; i++) {
                    Range range = new Range(starts[i], starts[i + 1]);
                    futures.add(pool.submit(() -> range.read(channel)));
                }
                NavigableMap<Instant, Bucket> buckets = new TreeMap<>();
                Range bad = null;
                List<Range> read = new ArrayList<>();
                for (Future<Range> future : futures) {
                    Range range = join(future);
                    read.add(range);
                    if (range.badReason != null && (bad == null || range.badOffset < bad.badOffset)) {
                        bad = range;
                    }
                }
                if (bad != null) {
                    throw new BadLineException(file, lineOf(channel, bad.badOffset), bad.badReason);
                }
                KeptIds kept = keptIds();
                for (Range range : read) { // in file order, for the ids
                    range.finish(buckets, kept);
                }
                return buckets;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private KeptIds keptIds() {
        return deduplication == null ? null : new KeptIds(deduplication.horizon().toMillis());
    }

    private static Range join(Future<Range> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The position just after the first line break at or after {@code from}, or the end of the file. */
    private static long nextLineStart(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        for (long pos = from; pos < size; pos += buffer.limit()) {
            buffer.clear();
            channel.read(buffer, pos);
            buffer.flip();
            for (int i = 0; i < buffer.limit(); i++) {
                if (buffer.get(i) == '\n') {
                    return pos + i + 1;
                }
            }
        }
        return size;
    }

    /** The 1-based number of the line holding the byte at {@code offset}; only needed once, for an error. */
    private static long lineOf(FileChannel channel, long offset) throws IOException {
        long line = 1;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        for (long pos = 0; pos < offset; pos += buffer.limit()) {
            buffer.clear().limit((int) Math.min(CHUNK_BYTES, offset - pos));
            channel.read(buffer, pos);
            buffer.flip();
            for (int i = 0; i < buffer.limit(); i++) {
                if (buffer.get(i) == '\n') {
                    line++;
                }
            }
        }
        return line;
    }

    /** One line-aligned range of the file, read by one thread into its own buckets. */
    private final class Range {

        private final long start;
        private final long end;
        private final Map<Long, Bucket> byStart = new HashMap<>();
        private final PlainJsonLine plain = new PlainJsonLine(timestamp.field(), metric.valueField(),
                deduplication == null ? null : deduplication.idField());
        /** Events with an id, in file order, decided by {@link #finish} once every range before this one is. */
        private final IdentifiedEvents identified = new IdentifiedEvents();
        private long badOffset = Long.MAX_VALUE;
        private String badReason;
        // Events mostly come in time order: the open bucket is kept aside from the map.
        private long openStart = Long.MIN_VALUE;
        private Bucket open;

        Range(long start, long end) {
            this.start = start;
            this.end = end;
        }

        Range read(FileChannel channel) {
            try {
                byte[] buffer = new byte[CHUNK_BYTES];
                int filled = 0;
                long pos = start; // the file position of buffer[0]
                while (pos < end && badReason == null && firstBadOffset.get() > pos) {
                    int wanted = (int) Math.min(buffer.length - filled, end - pos - filled);
                    int read = channel.read(ByteBuffer.wrap(buffer, filled, wanted), pos + filled);
                    if (read < 0) {
                        throw new IOException(file + " shrank while it was read");
                    }
                    filled += read;
                    int cut = pos + filled >= end ? filled : lastLineBreak(buffer, filled) + 1;
                    if (cut == 0) { // no whole line yet: read on, into a larger buffer for a line longer than it
                        if (filled == buffer.length) {
                            buffer = Arrays.copyOf(buffer, buffer.length * 2);
                        }
                        continue;
                    }
                    parse(buffer, cut, pos);
                    System.arraycopy(buffer, cut, buffer, 0, filled - cut);
                    pos += cut;
                    filled -= cut;
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Decides this range's events with an id by {@code kept} (shared by the ranges, called in file order), then
         * adds the range's buckets, with the events kept, to {@code buckets}.
         */
        void finish(NavigableMap<Instant, Bucket> buckets, KeptIds kept) {
            for (int i = 0; i < identified.size; i++) {
                if (kept.keep(identified.ids[i], identified.times[i])) {
                    put(identified.times[i], identified.values[i]);
                } else {
                    duplicates++;
                }
            }
            if (open != null) {
                byStart.merge(openStart, open, Bucket::merge);
                open = null;
            }
            byStart.forEach((start, b) -> buckets.merge(Instant.ofEpochMilli(start), b, Bucket::merge));
        }

        private static int lastLineBreak(byte[] buffer, int length) {
            for (int i = length - 1; i >= 0; i--) {
                if (buffer[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** Reads the whole lines in {@code buffer[0, length)}, which starts at file position {@code pos}. */
        private void parse(byte[] buffer, int length, long pos) throws IOException {
            int line = 0;
            while (line < length) {
                int next = plain.read(buffer, line, length);
                String reason;
                if (next >= 0) {
                    reason = add(TextNode.valueOf(plain.time()), plain.value(), plain.id());
                } else {
                    next = endOfLine(buffer, line, length);
                    reason = general(buffer, line, next);
                }
                if (reason != null) {
                    bad(pos + line, reason);
                    return;
                }
                line = next;
            }
        }

        private static int endOfLine(byte[] buffer, int from, int length) {
            for (int i = from; i < length; i++) {
                if (buffer[i] == '\n') {
                    return i + 1;
                }
            }
            return length;
        }

        /** Reads a line the fast path declined with Jackson; the reason it holds no event, or null. */
        private String general(byte[] buffer, int from, int to) throws IOException {
            try (JsonParser parser = JSON.createParser(buffer, from, to - from)) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return null; // a blank line
                }
                if (token != JsonToken.START_OBJECT) {
                    return "not a JSON object";
                }
                JsonNode time = null;
                JsonNode value = null;
                JsonNode id = null;
                String valueField = metric.valueField();
                String idField = deduplication == null ? null : deduplication.idField();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken next = parser.nextToken();
                    if (name.equals(timestamp.field())) {
                        time = next == JsonToken.VALUE_STRING ? TextNode.valueOf(parser.getText()) : parser.readValueAsTree();
                    } else if (name.equals(valueField)) {
                        value = parser.readValueAsTree();
                    } else if (name.equals(idField)) {
                        id = parser.readValueAsTree();
                    } else {
                        parser.skipChildren();
                    }
                }
                if (parser.nextToken() != null) {
                    return "a second JSON value on the line; write one event per line";
                }
                return event(time, value, id);
            } catch (JsonProcessingException e) {
                // Jackson's own positions count within the line alone: the line number said here is the one that helps
                String reason = e.getOriginalMessage().lines().findFirst().orElse("").replaceFirst(" \\(start marker at .*", "");
                return "not valid JSON: " + reason;
            }
        }

        /** Checks an event's fields as read (null when absent) and puts it in its bucket; why it cannot, or null. */
        String event(JsonNode time, JsonNode value, JsonNode id) {
            String valueField = metric.valueField();
            if (value != null && !value.isNumber()) {
                return "'" + valueField + "' is not a number: " + value;
            }
            if (time == null || value == null) {
                return "'" + (time == null ? timestamp.field() : valueField) + "' is missing";
            }
            // the services read an id as text when it is one value (a string, a number); else the event has none
            return add(time, value.doubleValue(), id != null && id.isValueNode() ? id.asText() : null);
        }

        /** Puts one event in its bucket, or among the identified ones; the reason it cannot, or null. */
        private String add(JsonNode time, double value, String id) {
            long ts;
            try {
                ts = timestamps.parse(time).toEpochMilli();
            } catch (TimestampException e) {
                return "'" + timestamp.field() + "': " + e.getMessage();
            }
            if (deduplication != null && id != null) {
                identified.add(id, ts, value);
            } else {
                put(ts, value);
            }
            return null;
        }

        private void put(long ts, double value) {
            long bucket = metric.bucketStart(ts);
            if (bucket != openStart) {
                if (open != null) {
                    byStart.merge(openStart, open, Bucket::merge);
                }
                openStart = bucket;
                open = Bucket.EMPTY;
            }
            open = open.add(value);
        }

        /** Events with an id as read: growable columns, so a million of them stay compact. */
        private static final class IdentifiedEvents {
            private String[] ids = new String[64];
            private long[] times = new long[64];
            private double[] values = new double[64];
            private int size;

            void add(String id, long ts, double value) {
                if (size == ids.length) {
                    ids = Arrays.copyOf(ids, size * 2);
                    times = Arrays.copyOf(times, size * 2);
                    values = Arrays.copyOf(values, size * 2);
                }
                ids[size] = id;
                times[size] = ts;
                values[size] = value;
                size++;
            }
        }

        private void bad(long offset, String reason) {
            badOffset = offset;
            badReason = reason;
            firstBadOffset.accumulateAndGet(offset, Math::min);
        }
    }
}
