package io.pulse.stack.eventfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How a file of JSON events is laid out, told from its first bytes: one object per line (NDJSON), a JSON array of
 * objects, or objects one after another over several lines (a pretty-printed object, as {@code jq} writes one). A
 * single object is one event, whichever of these it reads as. Anything else (a number, a string, text that is not
 * JSON) holds no events and is refused before anything is read or sent.
 */
public enum EventFileLayout {
    /** One JSON object per line; also an empty file. */
    NDJSON,
    /** A JSON array of objects. */
    ARRAY,
    /** JSON objects one after another, each over any number of lines. */
    OBJECTS;

    /** Bytes looked at to find the first value's first line; a longer first line is taken as NDJSON. */
    private static final int SNIFF_BYTES = 1 << 20;

    /** The file's layout, or why it holds no JSON events. */
    public static EventFileLayout of(Path file) throws IOException, NotJsonEventsException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        int start = 0;
        if (head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            start = 3; // a UTF-8 byte order mark, as some editors write
        }
        while (start < head.length && Character.isWhitespace(head[start])) {
            start++;
        }
        if (start == head.length) {
            return NDJSON;
        }
        if (head[start] == '[') {
            return ARRAY;
        }
        if (head[start] != '{') {
            throw new NotJsonEventsException(file, "it starts with "
                    + new String(Arrays.copyOfRange(head, start, Math.min(head.length, start + 20)),
                    StandardCharsets.UTF_8).lines().findFirst().orElse("").strip());
        }
        int end = start;
        while (end < head.length && head[end] != '\n') {
            end++;
        }
        return end < head.length && !wholeValue(head, start, end) && wholeValue(head, start, head.length) ? OBJECTS : NDJSON;
    }

    /** Whether {@code bytes[from, to)} begins with one whole JSON value. */
    private static boolean wholeValue(byte[] bytes, int from, int to) {
        try (JsonParser parser = Json.MAPPER.createParser(bytes, from, to - from)) {
            parser.nextToken();
            parser.skipChildren();
            return parser.currentToken() == JsonToken.END_OBJECT;
        } catch (JsonProcessingException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory cannot fail", e);
        }
    }

    /** A file that holds no JSON events at all: one line saying so, and what to write instead. */
    public static final class NotJsonEventsException extends Exception {
        NotJsonEventsException(Path file, String why) {
            super(file.getFileName() + " holds no JSON events: " + why + "; write a JSON array of objects, "
                    + "or one JSON object per line (NDJSON)");
        }
    }
}
