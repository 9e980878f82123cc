package io.pulse.query.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import io.pulse.query.series.Series;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes a series answer as rows, one per group and point, for spreadsheets ({@code text/csv}: columns {@code ts},
 * the group fields, {@code value}, {@code count}, {@code late}, {@code revised}) and for pipelines ({@code application/x-ndjson}: one JSON object
 * per row). Rows are written as they are produced.
 */
@Provider
@Produces({MediaTypes.CSV, MediaTypes.NDJSON})
public class SeriesRowsWriter implements MessageBodyWriter<SeriesResponse> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return SeriesResponse.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(SeriesResponse answer, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream entity) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(entity, StandardCharsets.UTF_8));
        if (mediaType.isCompatible(MediaType.valueOf(MediaTypes.CSV))) {
            csv(answer, out);
        } else {
            ndjson(answer, out);
        }
        out.flush();
    }

    private static void csv(SeriesResponse answer, Writer out) throws IOException {
        out.write("ts");
        for (String field : answer.groupBy()) {
            out.write(',' + cell(field));
        }
        out.write(",value,count,late,revised\r\n");
        for (Series series : answer.series()) {
            for (Series.Point p : series.points()) {
                out.write(IsoInstant.format(p.ts(), series.points().zone()));
                for (String field : answer.groupBy()) {
                    out.write(',' + cell(series.group().get(field)));
                }
                out.write(',' + (p.value() == null ? "" : number(p.value())) + ',' + p.count() + ',' + p.late() + ','
                        + p.revised() + "\r\n");
            }
        }
    }

    private static void ndjson(SeriesResponse answer, Writer out) throws IOException {
        for (Series series : answer.series()) {
            for (Series.Point p : series.points()) {
                ObjectNode row = Json.MAPPER.createObjectNode();
                row.put("ts", IsoInstant.format(p.ts(), series.points().zone()));
                row.set("group", Json.MAPPER.valueToTree(series.group()));
                row.put("value", p.value());
                row.put("count", p.count());
                row.put("late", p.late());
                row.put("revised", p.revised());
                out.write(Json.MAPPER.writeValueAsString(row));
                out.write('\n');
            }
        }
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * RFC 4180 quoting; a text starting like a formula is prefixed with an apostrophe so a spreadsheet shows it
     * instead of evaluating it.
     */
    static String cell(String text) {
        if (text == null) {
            return "";
        }
        String safe = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
