package io.pulse.common.event;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A fast reader for the most common timestamp layout, {@code yyyy-MM-dd HH:mm:ss} with an optional fraction of
 * exactly the pattern's digits. {@link java.time.format.DateTimeFormatter#parseBest} costs about a microsecond per
 * call, which dominates reading large files; this reads the digits in place. It answers only for text it is sure
 * of and leaves everything else (other lengths, signs, out-of-range fields) to the formatter, so the result never
 * differs from the formatter's.
 */
final class LocalDateTimeText {

    /** The patterns read here: the fraction, optional or required, of 1 to 9 digits. */
    private static final Pattern LAYOUT = Pattern.compile("yyyy-MM-dd HH:mm:ss(\\.S{1,9}|\\[\\.S{1,9}])?");
    private static final int DATE_TIME_LENGTH = "yyyy-MM-dd HH:mm:ss".length();

    private final int fractionDigits;
    private final boolean fractionOptional;
    private final int nanosPerUnit;

    private LocalDateTimeText(int fractionDigits, boolean fractionOptional) {
        this.fractionDigits = fractionDigits;
        this.fractionOptional = fractionOptional;
        this.nanosPerUnit = (int) Math.pow(10, 9 - fractionDigits);
    }

    /** The reader for {@code pattern}, if it is a layout read here. */
    static Optional<LocalDateTimeText> of(String pattern) {
        if (!LAYOUT.matcher(pattern).matches()) {
            return Optional.empty();
        }
        int digits = (int) pattern.chars().filter(c -> c == 'S').count();
        return Optional.of(new LocalDateTimeText(digits, digits == 0 || pattern.contains("[")));
    }

    /** The date and time in {@code text}, or empty when it is not written exactly in the layout. */
    Optional<LocalDateTime> parse(String text) {
        int length = text.length();
        boolean withFraction = fractionDigits > 0 && length == DATE_TIME_LENGTH + 1 + fractionDigits;
        if (!withFraction && !(fractionOptional && length == DATE_TIME_LENGTH)) {
            return Optional.empty();
        }
        if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' ' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || (withFraction && text.charAt(19) != '.')) {
            return Optional.empty();
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fraction = withFraction ? digits(text, 20, fractionDigits) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || year == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, month, day, hour, minute, second,
                    fraction * nanosPerUnit));
        } catch (DateTimeException e) {
            return Optional.empty(); // e.g. February 30th, which the formatter resolves its own way
        }
    }

    /** The decimal number written in {@code count} characters at {@code from}, or −1 if one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
