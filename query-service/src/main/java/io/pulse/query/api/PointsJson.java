package io.pulse.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.pulse.query.series.Points;
import io.pulse.query.series.Series;
import io.pulse.query.time.ZonedTimes;
import java.io.IOException;
import java.time.ZoneId;

/**
 * Writes a series' points straight from their columns, the same text Jackson writes for the list of
 * {@link Series.Point}s they stand for ({@code "ts"} as {@link IsoInstant}, or with its offset in a zone, {@code "value"} null when absent,
 * {@code "count"}, {@code "late"}, {@code "revised"}, {@code "error"} only for approximate aggregations), without making a point, a boxed value or an
 * instant's text per point.
 */
final class PointsJson extends StdSerializer<Points> {

    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString COUNT = new SerializedString("count");
    private static final SerializedString LATE = new SerializedString("late");
    private static final SerializedString REVISED = new SerializedString("revised");
    private static final SerializedString ERROR = new SerializedString("error");

    /** Integral doubles below this in magnitude are written as their digits and ".0", as the JDK and Jackson write them. */
    private static final long WHOLE_BELOW = 10_000_000L;
    /** Room for {@code -9999999.0}. */
    static final int WHOLE_DIGITS = 10;

    PointsJson() {
        super(Points.class);
    }

    @Override
    public void serialize(Points points, JsonGenerator generator, SerializerProvider provider) throws IOException {
        IsoInstant.Text ts = new IsoInstant.Text();
        char[] digits = new char[WHOLE_DIGITS];
        String errorKind = points.errorKind();
        ZoneId zone = points.zone();
        generator.writeStartArray(points, points.size());
        for (int i = 0; i < points.size(); i++) {
            generator.writeStartObject();
            generator.writeFieldName(TS);
            long millis = points.epochMilli(i);
            if (zone != null) {
                generator.writeString(ZonedTimes.format(points.ts(i), zone));
            } else if (ts.fill(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000)) {
                generator.writeString(ts.chars, 0, ts.chars.length);
            } else {
                generator.writeString(points.ts(i).toString());
            }
            generator.writeFieldName(VALUE);
            if (points.hasValue(i)) {
                writeDouble(generator, points.value(i), digits);
            } else {
                generator.writeNull();
            }
            generator.writeFieldName(COUNT);
            generator.writeNumber(points.count(i));
            generator.writeFieldName(LATE);
            generator.writeNumber(points.late(i));
            generator.writeFieldName(REVISED);
            generator.writeBoolean(points.revised(i));
            if (errorKind != null) {
                generator.writeFieldName(ERROR);
                generator.writeStartObject();
                generator.writeFieldName(errorKind);
                generator.writeNumber(points.error(i));
                generator.writeEndObject();
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }

    /**
     * Writes {@code value} as {@link JsonGenerator#writeNumber(double)} does. Jackson's shortest-digits writer makes
     * a formatter, a buffer and a string per double (the largest part of what writing a day of points allocated,
     * JFR); a whole number below 10^7 in magnitude it writes as its digits and {@code .0} (the text of
     * {@link Double#toString}), which this spells out into {@code digits} instead. Negative zero, fractions and
     * larger numbers go to Jackson.
     */
    static void writeDouble(JsonGenerator generator, double value, char[] digits) throws IOException {
        long whole = (long) value;
        if (whole != value || whole <= -WHOLE_BELOW || whole >= WHOLE_BELOW
                || (whole == 0 && Double.doubleToRawLongBits(value) != 0)) {
            generator.writeNumber(value);
            return;
        }
        int at = digits.length;
        digits[--at] = '0';
        digits[--at] = '.';
        long rest = Math.abs(whole);
        do {
            digits[--at] = (char) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (whole < 0) {
            digits[--at] = '-';
        }
        generator.writeNumber(digits, at, digits.length - at);
    }
}
