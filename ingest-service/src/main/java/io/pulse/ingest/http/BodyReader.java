package io.pulse.ingest.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.FieldError;
import io.pulse.common.json.Json;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a request body as items. NDJSON is read line by line and each line stands alone, so a malformed line is
 * one rejected item. A JSON document is read whole before any item is handed on: a syntax error anywhere makes
 * the request a 400 and nothing of it is sent.
 */
final class BodyReader {

    static final String NDJSON = "application/x-ndjson";

    private BodyReader() {
    }

    static void readNdjson(InputStream body, ItemHandler handler) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, decoder));
        long line = 0;
        String text;
        try {
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                long index = line - 1;
                try (JsonParser parser = Json.MAPPER.createParser(text)) {
                    JsonNode item = parser.readValueAsTree();
                    if (parser.nextToken() != null) {
                        handler.malformed(index, text, List.of(new FieldError("", "line " + line
                                + " holds more than one JSON value; NDJSON takes one per line")));
                    } else {
                        handler.item(index, text, item);
                    }
                } catch (JsonProcessingException e) {
                    handler.malformed(index, text, List.of(new FieldError("", "malformed JSON at line " + line
                            + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage())));
                }
            }
        } catch (CharacterCodingException e) {
            throw Problem.of(400, "invalid-encoding", "Body is not UTF-8",
                    "line " + (line + 1) + " holds bytes that are not valid UTF-8").with("line", line + 1).exception();
        }
    }

    static void readJson(InputStream body, ItemHandler handler) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
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
                JsonLocation at = parser.currentLocation();
                throw malformed(at, "more than one JSON value; send an array, or NDJSON as " + NDJSON);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e.getLocation(), e.getOriginalMessage());
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
