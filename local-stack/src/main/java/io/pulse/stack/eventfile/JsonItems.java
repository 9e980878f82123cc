package io.pulse.stack.eventfile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the items of a JSON array file, or of a file of objects one after another, one at a time: memory holds
 * one item, whatever the file's size.
 */
public final class JsonItems {

    /** Receives each item with its 1-based number and the line it starts on. */
    public interface Handler {
        /** @return a reason to stop at this item, or null to go on */
        String item(long number, long line, JsonNode item);
    }

    private JsonItems() {
    }

    /** Reads every item of a file laid out as {@link EventFileLayout#ARRAY} or {@link EventFileLayout#OBJECTS}. */
    public static void read(Path file, EventFileLayout layout, Handler handler) throws IOException, BadJsonException {
        try (JsonParser parser = Json.MAPPER.createParser(file.toFile())) {
            try {
                JsonToken token = parser.nextToken();
                boolean array = layout == EventFileLayout.ARRAY;
                if (array) {
                    token = parser.nextToken();
                }
                long number = 0;
                while (token != null && !(array && token == JsonToken.END_ARRAY)) {
                    long line = parser.currentTokenLocation().getLineNr();
                    String stop = handler.item(++number, line, parser.readValueAsTree());
                    if (stop != null) {
                        throw new BadJsonException(file, line, "item " + number + ": " + stop);
                    }
                    token = parser.nextToken();
                }
                if (array && parser.nextToken() != null) {
                    throw new BadJsonException(file, parser.currentTokenLocation().getLineNr(),
                            "more JSON after the array; write one array holding every event");
                }
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                // Jackson reports an end inside the array or an object in several words, not always as an EOF type
                if (e instanceof JsonEOFException || e.getOriginalMessage().startsWith("Unexpected end-of-input")) {
                    throw new BadJsonException(file, at.getLineNr(), "the file ends before its JSON is closed "
                            + "(a ']' or '}' is missing); is the file whole?");
                }
                throw new BadJsonException(file, at.getLineNr(), "not valid JSON at column " + at.getColumnNr() + ": "
                        + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
        }
    }

    /**
     * Writes the file's items to {@code target} as NDJSON, one per line, in order, so that item {@code n} is line
     * {@code n} there; returns how many.
     */
    public static long toNdjson(Path file, EventFileLayout layout, Path target) throws IOException, BadJsonException {
        long[] count = {0};
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            read(file, layout, (number, line, item) -> {
                try {
                    out.write(Json.MAPPER.writeValueAsString(item));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                count[0]++;
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return count[0];
    }

    /** A file that is not valid JSON, or an item that cannot be used: the file, the line and why, on one line. */
    public static final class BadJsonException extends Exception {
        BadJsonException(Path file, long line, String reason) {
            super(file.getFileName() + ":" + line + ": " + reason);
        }
    }
}
