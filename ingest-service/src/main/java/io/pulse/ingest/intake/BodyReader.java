package io.pulse.ingest.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.FieldError;
import io.pulse.common.json.Json;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.io.CharConversionException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a body as items. NDJSON is read line by line and each line stands alone, so a malformed line (bad JSON,
 * bytes that are not UTF-8, a line too long) is one rejected item. A JSON document is read whole before any item is
 * handed on: a syntax error anywhere makes the request a 400 and nothing of it is sent.
 */
public final class BodyReader {

    public static final String NDJSON = "application/x-ndjson";

    /** Longest NDJSON line read as an item; a longer one is rejected whole, so one line never fills the heap. */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private BodyReader() {
    }

    /** Items are numbered by line, from 1; blank lines are skipped. */
    public static void readNdjson(InputStream body, ItemHandler handler) throws IOException {
        InputStream in = new BufferedInputStream(body, 64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        long number = 0;
        boolean tooLong = false;
        int b;
        do {
            b = in.read();
            if (b != '\n' && b != -1) {
                if (line.size() < MAX_LINE_BYTES) {
                    line.write(b);
                } else {
                    tooLong = true;
                }
                continue;
            }
            if (b == -1 && line.size() == 0 && !tooLong) {
                break;
            }
            number++;
            handleLine(number, line.toByteArray(), tooLong, handler);
            line.reset();
            tooLong = false;
        } while (b != -1);
    }

    private static void handleLine(long number, byte[] bytes, boolean tooLong, ItemHandler handler) {
        String text;
        try {
            text = strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            handler.malformed(number, new String(bytes, StandardCharsets.UTF_8), List.of(new FieldError("",
                    "line " + number + " holds bytes that are not valid UTF-8; NDJSON is UTF-8")));
            return;
        }
        if (tooLong) {
            handler.malformed(number, text, List.of(new FieldError("", "line " + number + " is longer than "
                    + MAX_LINE_BYTES + " bytes; only its beginning is kept")));
            return;
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            return;
        }
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            JsonNode item = parser.readValueAsTree();
            if (parser.nextToken() != null) {
                handler.malformed(number, text, List.of(new FieldError("", "line " + number
                        + " holds more than one JSON value; NDJSON takes one per line")));
            } else {
                handler.item(number, text, item);
            }
        } catch (JsonProcessingException e) {
            handler.malformed(number, text, List.of(new FieldError("", "malformed JSON at line " + number
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
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
                            "more than one JSON value; send an array, or NDJSON as " + NDJSON);
                }
            } catch (JsonProcessingException e) {
                // Limits (nesting depth, number length) are reported without a location: the parser knows it.
                throw malformed(e.getLocation() != null ? e.getLocation() : parser.currentLocation(),
                        e.getOriginalMessage());
            } catch (CharConversionException e) {
                throw Problem.of(400, "invalid-encoding", "Body is not UTF-8",
                        "the body holds bytes that are not valid UTF-8: " + e.getMessage()).exception();
            }
        }
        for (int i = 0; i < items.size(); i++) {
            handler.item(i, items.get(i).toString(), items.get(i));
        }
    }

    private static ProblemException malformed(JsonLocation at, String what) {
        int line = at == null ? -1 : at.getLineNr();
        int column = at == null ? -1 : at.getColumnNr();
        return Problem.of(400, "malformed-json", "Malformed JSON",
                        "the body is not valid JSON at line " + line + ", column " + column + ": " + what)
                .with("line", line).with("column", column).exception();
    }
}
