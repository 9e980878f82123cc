package io.pulse.query.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.pulse.common.bucket.AggregationValues;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.store.BucketExport;
import io.pulse.query.time.CalendarStep;
import io.pulse.query.time.FixedStep;
import io.pulse.query.time.Step;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes an export's rows as they come: one per group and step that holds events, or with {@link Fill} every step
 * from the first to the last for each group, the empty ones as 0 or without a value, each step after the one before
 * by {@link Step#next} (a month after a month, a local day of 23 hours after one of 24). Times of steps of whole days
 * are written as dates, in a zone the local dates; other times in a zone as local times with their offset.
 */
final class ExportWriter implements BucketExport.Rows {

    /** What a step without events shows; {@link #NONE} leaves such steps out. */
    enum Fill {
        NONE, ZERO, NULL
    }

    private static final long DAY_MILLIS = 86_400_000L;

    private final SeriesRequest request;
    private final ExportFormat format;
    private final Fill fill;
    private final boolean dates;
    private final List<String> names;
    private final List<String> jsonNames;
    private final Writer out;
    /** A fixed step's length, stepped by addition; 0 for a calendar step. */
    private final long fixedMillis;
    /** The zone times are written in; null for UTC. */
    private final ZoneId zone;
    private final IsoInstant.Text instantText = new IsoInstant.Text();
    private SortedMap<String, String> group;
    private long next;
    private long rows;

    /** @param request the question, null when there is nothing to export (only the header is written) */
    ExportWriter(SeriesRequest request, ExportFormat format, Fill fill, ExportColumns columns, boolean dates, Writer out) {
        this.request = request;
        this.format = format;
        this.fill = fill;
        this.dates = dates;
        this.names = columns.names();
        this.jsonNames = names.stream().map(n -> '"' + new String(JsonStringEncoder.getInstance().quoteAsString(n)) + "\":")
                .toList();
        this.out = out;
        this.fixedMillis = request != null && request.step() instanceof FixedStep f ? f.length().toMillis() : 0;
        this.zone = request == null ? null : request.zone();
    }

    /**
     * Whether every step starts at a midnight: a fixed step (in UTC) of whole days, from a midnight when the start is
     * known; a calendar step of days, weeks or months, whose steps start at local midnight (in a zone whose clocks
     * skip midnight, at the first instant of the local date), not one of the clock.
     */
    static boolean writesDates(Step step, Instant from) {
        if (step instanceof CalendarStep calendar) {
            return calendar.unit() != CalendarStep.Unit.CLOCK;
        }
        long millis = ((FixedStep) step).length().toMillis();
        return millis % DAY_MILLIS == 0 && (from == null || Math.floorMod(from.toEpochMilli(), DAY_MILLIS) == 0);
    }

    void header() throws IOException {
        if (format == ExportFormat.CSV) {
            for (int i = 0; i < names.size(); i++) {
                out.write(i == 0 ? "" : ",");
                out.write(SeriesRowsWriter.cell(names.get(i)));
            }
            out.write("\r\n");
        }
    }

    @Override
    public void row(GroupBucket row) throws IOException {
        long start = row.start().toEpochMilli();
        if (!row.group().equals(group)) {
            fillUntil(end());
            group = row.group();
            next = request.from().toEpochMilli();
        }
        fillUntil(start);
        write(start, AggregationValues.value(request.agg(), row.bucket()));
        next = after(start);
    }

    /** Ends the export: fills the last group's remaining steps, or with no group kept, the one series even if empty. */
    void finish() throws IOException {
        if (group == null && fill != Fill.NONE && request.groupBy().isEmpty()) {
            group = new TreeMap<>();
            next = request.from().toEpochMilli();
        }
        fillUntil(end());
    }

    long rows() {
        return rows;
    }

    private long end() {
        return request.endOfBuckets().toEpochMilli();
    }

    private void fillUntil(long until) throws IOException {
        if (fill == Fill.NONE || group == null) {
            return;
        }
        for (; next < until; next = after(next)) {
            write(next, fill == Fill.ZERO ? Double.valueOf(0) : null);
        }
    }

    /** The start of the step after the one at {@code start}. */
    private long after(long start) {
        return fixedMillis > 0 ? start + fixedMillis : request.step().next(Instant.ofEpochMilli(start)).toEpochMilli();
    }

    private void write(long start, Double value) throws IOException {
        int column = 0;
        if (format == ExportFormat.CSV) {
            for (String field : request.groupBy()) {
                out.write(column++ == 0 ? "" : ",");
                out.write(SeriesRowsWriter.cell(group.get(field)));
            }
            out.write(column == 0 ? "" : ",");
            out.write(time(start));
            out.write(',');
            if (value != null) {
                out.write(SeriesRowsWriter.number(value));
            }
            out.write("\r\n");
        } else {
            out.write('{');
            for (String field : request.groupBy()) {
                out.write(jsonNames.get(column++));
                out.write(json(group.get(field)));
                out.write(',');
            }
            out.write(jsonNames.get(column++));
            out.write('"');
            out.write(time(start));
            out.write("\",");
            out.write(jsonNames.get(column));
            out.write(value == null ? "null" : SeriesRowsWriter.number(value));
            out.write("}\n");
        }
        rows++;
    }

    private String time(long start) {
        if (zone != null) {
            Instant t = Instant.ofEpochMilli(start);
            return dates ? LocalDate.ofInstant(t, zone).toString() : IsoInstant.format(t, zone);
        }
        if (dates) {
            return LocalDate.ofEpochDay(Math.floorDiv(start, DAY_MILLIS)).toString();
        }
        return instantText.fill(Math.floorDiv(start, 1000), (int) Math.floorMod(start, 1000) * 1_000_000)
                ? new String(instantText.chars) : Instant.ofEpochMilli(start).toString();
    }

    private static String json(String text) {
        return text == null ? "null" : '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }
}
