package io.pulse.ingest.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads a body as items. NDJSON is read line by line and each line stands alone, so a malformed line (bad JSON,
 * bytes that are not UTF-8, a line too long) is one rejected item. A JSON document is read whole before any item is
 * handed on: a syntax error anywhere makes the request a 400 and nothing of it is sent. A Kafka source record's value
 * stands alone as an NDJSON line does.
 */
public final class BodyReader {


    /** Longest NDJSON line read as an item; a longer one is rejected whole, so one line never fills the heap. */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private BodyReader() {
    }

    /** Items are numbered by line, from 1; blank lines are skipped. */
    public static void readNdjson(InputStream body, ItemHandler handler) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        LineBuffer line = new LineBuffer();
        long number = 0;
        int n;
        while ((n = body.read(buffer)) != -1) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.append(buffer, from, i - from);
                    handleLine(++number, line, handler);
                    line.reset();
                    from = i + 1;
                }
            }
            line.append(buffer, from, n - from);
        }
        if (line.length() > 0 || line.tooLong) {
            handleLine(++number, line, handler);
        }
    }

    /**
     * One line's bytes, kept up to {@link #MAX_LINE_BYTES}. Past that, the rest of the line is only counted and
     * hashed, so its dead letter can name the whole line it stands for.
     */
    private static final class LineBuffer {
        private byte[] bytes = new byte[1024];
        private int length;
        private boolean tooLong;
        private long wholeLength;
        private MessageDigest whole;

        void append(byte[] source, int offset, int count) {
            int kept = Math.min(count, MAX_LINE_BYTES - length);
            if (kept < count && !tooLong) {
                tooLong = true;
                whole = DeadLetter.sha256();
                whole.update(bytes, 0, length);
                wholeLength = length;
            }
            if (tooLong) {
                whole.update(source, offset, count);
                wholeLength += count;
            }
            if (length + kept > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + kept, Math.min(2 * bytes.length, MAX_LINE_BYTES)));
            }
            System.arraycopy(source, offset, bytes, length, kept);
            length += kept;
        }

        int length() {
            return length;
        }

        void reset() {
            length = 0;
            tooLong = false;
            wholeLength = 0;
            whole = null;
        }

        /** The line as text, bad bytes replaced: only for echoing back a rejected line. */
        String text() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }

    private static void handleLine(long number, LineBuffer line, ItemHandler handler) {
        int end = line.length;
        // CRLF line ends, and lines of blanks only, are taken as NDJSON writers mean them
        while (end > 0 && (line.bytes[end - 1] == '\r' || line.bytes[end - 1] == ' ' || line.bytes[end - 1] == '\t')) {
            end--;
        }
        int start = 0;
        while (start < end && (line.bytes[start] == ' ' || line.bytes[start] == '\t')) {
            start++;
        }
        if (start == end && !line.tooLong) {
            return;
        }
        if (line.tooLong) {
            handler.tooLong(number, line.text(), line.wholeLength, HexFormat.of().formatHex(line.whole.digest()),
                    List.of(new FieldError("", "line " + number + " is longer than " + MAX_LINE_BYTES
                            + " bytes; only its beginning is kept")));
            return;
        }
        readStandalone(number, line.bytes, start, end, line::text, new Wording("line " + number, "NDJSON is UTF-8",
                "NDJSON takes one per line", at -> "line " + number + ", column " + at.getColumnNr()), handler);
    }

    /**
     * One Kafka record's value as one item, checked as an NDJSON line is: UTF-8, one JSON value; its mistakes are
     * placed by line and column within the value, which may span lines.
     */
    public static void readRecordValue(long index, byte[] value, ItemHandler handler) {
        readStandalone(index, value, 0, value.length, () -> new String(value, StandardCharsets.UTF_8),
                new Wording("the record's value", "a source record's value is UTF-8",
                        "a source record holds one event", at -> "line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + " of the record's value"), handler);
    }

    /** How the mistakes of an item standing alone are worded: what it is, the rules it broke, where in it. */
    private record Wording(String what, String utf8Rule, String oneValueRule, Function<JsonLocation, String> at) {
    }

    /**
     * An item standing alone in {@code bytes[start, end)}; {@code text} gives the whole of it (bad bytes replaced)
     * for a rejected item's dead letter.
     */
    private static void readStandalone(long index, byte[] bytes, int start, int end, Supplier<String> text,
                                       Wording wording, ItemHandler handler) {
        if (!isUtf8(bytes, start, end)) {
            handler.malformed(index, text.get(), List.of(new FieldError("",
                    wording.what() + " holds bytes that are not valid UTF-8; " + wording.utf8Rule())));
            return;
        }
        try (JsonParser parser = Json.MAPPER.createParser(bytes, start, end - start)) {
            try {
                JsonNode item = parser.readValueAsTree();
                if (item == null) {
                    handler.malformed(index, text.get(), List.of(new FieldError("",
                            wording.what() + " is empty; " + wording.oneValueRule())));
                } else if (parser.nextToken() != null) {
                    handler.malformed(index, text.get(), List.of(new FieldError("", wording.what()
                            + " holds more than one JSON value; " + wording.oneValueRule())));
                } else {
                    handler.item(index, text, item);
                }
            } catch (JsonProcessingException e) {
                handler.malformed(index, text.get(), List.of(new FieldError("", "malformed JSON at "
                        + wording.at().apply(where(e, parser)) + ": " + e.getOriginalMessage())));
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory cannot fail", e);
        }
    }

    private static boolean isUtf8(byte[] bytes, int start, int end) {
        int i = start;
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        if (i == end) {
            return true;
        }
        try {
            strictUtf8().decode(ByteBuffer.wrap(bytes, start, end - start));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Items are numbered by their position in the array, from 0; a lone object is item 0. */
    public static void readJson(InputStream body, ItemHandler handler) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            try {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    throw Problem.of(400, "empty-body", "Empty body",
                            "send one JSON object, a JSON array of objects, or NDJSON").exception();
                }
                if (first == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        items.add(parser.readValueAsTree());
                    }
                } else {
                    items.add(parser.readValueAsTree());
                }
                if (parser.nextToken() != null) {
                    throw malformed(parser.currentLocation(),
                            "more than one JSON value; send an array, or NDJSON as " + MediaTypes.NDJSON);
                }
            } catch (JsonProcessingException e) {
                throw malformed(where(e, parser), e.getOriginalMessage());
            } catch (CharConversionException e) {
                throw Problem.of(400, "invalid-encoding", "Body is not UTF-8",
                        "the body holds bytes that are not valid UTF-8: " + e.getMessage()).exception();
            }
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            handler.item(i, item::toString, item);
        }
    }

    /** Where reading failed: limits (nesting depth, number length) are reported without a location, the parser knows it. */
    private static JsonLocation where(JsonProcessingException e, JsonParser parser) {
        return e.getLocation() != null ? e.getLocation() : parser.currentLocation();
    }

    private static ProblemException malformed(JsonLocation at, String what) {
        int line = at == null ? -1 : at.getLineNr();
        int column = at == null ? -1 : at.getColumnNr();
        return Problem.of(400, "malformed-json", "Malformed JSON",
                        "the body is not valid JSON at line " + line + ", column " + column + ": " + what)
                .with("line", line).with("column", column).exception();
    }
}
