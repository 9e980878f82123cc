package io.pulse.ingest.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.pulse.common.event.FieldError;
import io.pulse.common.event.NumberLimits;
import io.pulse.common.pipeline.EventType;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a CSV file with a header row as items, one row at a time. Each cell becomes the field named by its column,
 * converted to the type the schema gives that field (integer, number, boolean; anything else stays a string); an
 * empty cell is an absent field. A cell that does not convert stays a string, so schema validation names it; a number
 * cell longer than {@link NumberLimits} allows is refused unparsed. Rows
 * are numbered by the file line they start on, from 1 (the header is line 1).
 */
public final class CsvReader {

    private static final CsvMapper CSV = new CsvMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CsvReader() {
    }

    /** Thrown when the file stops being CSV (an unclosed quote): the rows before it stand. */
    public static final class MalformedCsvException extends IOException {
        MalformedCsvException(String message) {
            super(message);
        }
    }

    public static void read(Reader in, EventType type, ItemHandler handler) throws IOException {
        try (JsonParser parser = CSV.getFactory().createParser(in)) {
            List<String> header = null;
            List<String> cells = new ArrayList<>();
            long line = 0;
            JsonToken token;
            while ((token = next(parser)) != null) {
                if (token == JsonToken.START_ARRAY) {
                    cells.clear();
                    line = 0;
                } else if (token == JsonToken.VALUE_STRING) {
                    if (line == 0) {
                        line = parser.currentTokenLocation().getLineNr();
                    }
                    cells.add(parser.getText());
                } else if (token == JsonToken.END_ARRAY && !(cells.size() == 1 && cells.get(0).isEmpty())) {
                    if (header == null) {
                        header = List.copyOf(cells);
                    } else {
                        row(type, header, cells, line, handler);
                    }
                }
            }
        }
    }

    private static JsonToken next(JsonParser parser) throws IOException {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw new MalformedCsvException("malformed CSV at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage());
        }
    }

    private static void row(EventType type, List<String> header, List<String> cells, long line, ItemHandler handler) {
        String raw = toCsv(cells);
        if (cells.size() != header.size()) {
            handler.malformed(line, raw, List.of(new FieldError("", "the row at line " + line + " has "
                    + cells.size() + " columns, the header has " + header.size())));
            return;
        }
        ObjectNode item = NODES.objectNode();
        List<FieldError> tooLong = new ArrayList<>();
        JsonNode properties = type.schema().path("properties");
        for (int i = 0; i < header.size(); i++) {
            String cell = cells.get(i);
            if (cell.isEmpty()) {
                continue;
            }
            Set<String> types = types(properties.path(header.get(i)).path("type"));
            Optional<String> refused = types.contains("integer") || types.contains("number")
                    ? NumberLimits.tooLong(cell.trim()) : Optional.empty();
            if (refused.isPresent()) {
                tooLong.add(new FieldError("/" + FieldError.segment(header.get(i)), refused.get()));
            } else {
                item.set(header.get(i), convert(cell, types));
            }
        }
        if (tooLong.isEmpty()) {
            handler.item(line, () -> raw, item);
        } else {
            handler.malformed(line, raw, tooLong);
        }
    }

    private static Set<String> types(JsonNode type) {
        if (type.isTextual()) {
            return Set.of(type.asText());
        }
        Set<String> names = new HashSet<>();
        type.forEach(t -> names.add(t.asText()));
        return names;
    }

    private static JsonNode convert(String cell, Set<String> types) {
        String text = cell.trim();
        try {
            if (types.contains("integer")) {
                return NODES.numberNode(new BigInteger(text));
            }
            if (types.contains("number")) {
                return NODES.numberNode(new BigDecimal(text));
            }
        } catch (NumberFormatException e) {
            return NODES.textNode(cell);
        }
        if (types.contains("boolean") && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return NODES.textNode(cell);
    }

    /** The row written back as one CSV record, for the dead-letter topic. */
    private static String toCsv(List<String> cells) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (i > 0) {
                out.append(',');
            }
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                out.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                out.append(cell);
            }
        }
        return out.toString();
    }
}
