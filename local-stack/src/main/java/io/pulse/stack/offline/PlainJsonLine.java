package io.pulse.stack.offline;

import java.nio.charset.StandardCharsets;

/**
 * A fast path for the plainest event lines: one flat JSON object whose keys and strings are printable ASCII without
 * escapes, with string, number, {@code true}, {@code false} or {@code null} values. Such a line is read here in one
 * pass over its bytes, several times faster than a general parser; every other line (nesting, escapes, non-ASCII
 * text, a number where a string is expected, a missing field, anything malformed) is declined, and read — or
 * refused with its reason — by Jackson instead. What is accepted here is a strict subset of JSON, so the result
 * never differs from Jackson's.
 */
final class PlainJsonLine {

    private final byte[] timeKey;
    private final byte[] valueKey;
    private final byte[] idKey;

    // The fields of the last line read.
    private String time;
    private double value;
    private String id;

    /** @param idField the field holding the event's id, read as text; null when ids are not read */
    PlainJsonLine(String timeField, String valueField, String idField) {
        this.timeKey = timeField.getBytes(StandardCharsets.UTF_8);
        this.valueKey = valueField.getBytes(StandardCharsets.UTF_8);
        this.idKey = idField == null ? null : idField.getBytes(StandardCharsets.UTF_8);
    }

    /** The time text of the last line read. */
    String time() {
        return time;
    }

    /** The value of the last line read. */
    double value() {
        return value;
    }

    /** The id of the last line read, or null when it has none (or ids are not read). */
    String id() {
        return id;
    }

    /**
     * Reads the line starting at {@code from}, which ends with a line break or at {@code limit}.
     *
     * @return the position after the line's line break (or {@code limit}), or −1 if the line is declined
     */
    int read(byte[] b, int from, int limit) {
        int i = skipSpace(b, from, limit);
        if (i >= limit || b[i] != '{') {
            return -1;
        }
        String foundTime = null;
        String foundId = null;
        boolean foundValue = false;
        double foundNumber = 0;
        i = skipSpace(b, i + 1, limit);
        if (i < limit && b[i] == '}') {
            return -1; // an empty object holds no event
        }
        while (true) {
            if (i >= limit || b[i] != '"') {
                return -1;
            }
            int keyStart = i + 1;
            int keyEnd = endOfString(b, keyStart, limit);
            if (keyEnd < 0) {
                return -1;
            }
            i = skipSpace(b, keyEnd + 1, limit);
            if (i >= limit || b[i] != ':') {
                return -1;
            }
            i = skipSpace(b, i + 1, limit);
            if (i >= limit) {
                return -1;
            }
            boolean isTime = matches(b, keyStart, keyEnd, timeKey);
            boolean isValue = !isTime && matches(b, keyStart, keyEnd, valueKey);
            // an id that is not a string (a number, null) is left to Jackson, which reads it as the services do
            boolean isId = idKey != null && !isTime && !isValue && matches(b, keyStart, keyEnd, idKey);
            byte c = b[i];
            int end;
            if (c == '"') {
                end = endOfString(b, i + 1, limit);
                if (end < 0 || isValue) {
                    return -1;
                }
                if (isTime) {
                    foundTime = new String(b, i + 1, end - i - 1, StandardCharsets.ISO_8859_1);
                } else if (isId) {
                    foundId = new String(b, i + 1, end - i - 1, StandardCharsets.ISO_8859_1);
                }
                end++;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                end = endOfNumber(b, i, limit);
                if (end < 0 || isTime || isId) {
                    return -1;
                }
                if (isValue) {
                    foundValue = true;
                    foundNumber = number(b, i, end);
                }
            } else {
                end = endOfWord(b, i, limit);
                if (end < 0 || isTime || isValue || isId) {
                    return -1;
                }
            }
            i = skipSpace(b, end, limit);
            if (i >= limit) {
                return -1;
            }
            if (b[i] == '}') {
                break;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipSpace(b, i + 1, limit);
        }
        i = skipSpace(b, i + 1, limit);
        if (i < limit && b[i] != '\n') {
            return -1;
        }
        if (foundTime == null || !foundValue) {
            return -1;
        }
        time = foundTime;
        value = foundNumber;
        id = foundId;
        return i < limit ? i + 1 : limit;
    }

    private static int skipSpace(byte[] b, int i, int limit) {
        while (i < limit && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** The position of the closing quote of a string of printable ASCII without escapes, or −1. */
    private static int endOfString(byte[] b, int i, int limit) {
        for (; i < limit; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return -1; // control characters, escapes and non-ASCII text are left to Jackson
            }
        }
        return -1;
    }

    /** The end of a number written as JSON allows, {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}, or −1. */
    private static int endOfNumber(byte[] b, int i, int limit) {
        if (b[i] == '-') {
            i++;
        }
        if (i >= limit || !digit(b[i])) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else {
            i = digits(b, i, limit);
        }
        if (i < limit && b[i] == '.') {
            int after = digits(b, i + 1, limit);
            if (after == i + 1) {
                return -1;
            }
            i = after;
        }
        if (i < limit && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < limit && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int after = digits(b, i, limit);
            if (after == i) {
                return -1;
            }
            i = after;
        }
        return i < limit && (digit(b[i]) || b[i] == '.') ? -1 : i;
    }

    private static int digits(byte[] b, int i, int limit) {
        while (i < limit && digit(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int endOfWord(byte[] b, int i, int limit) {
        for (String word : new String[] {"true", "false", "null"}) {
            int end = i + word.length();
            if (end <= limit && new String(b, i, word.length(), StandardCharsets.ISO_8859_1).equals(word)) {
                return end;
            }
        }
        return -1;
    }

    /** The number's double, as Jackson reads it: integers through a long, others by {@link Double#parseDouble}. */
    private static double number(byte[] b, int from, int end) {
        boolean negative = b[from] == '-';
        int start = negative ? from + 1 : from;
        if (end - start <= 18) {
            long n = 0;
            int i = start;
            while (i < end && digit(b[i])) {
                n = n * 10 + (b[i++] - '0');
            }
            if (i == end) {
                return negative ? -n : n;
            }
        }
        return Double.parseDouble(new String(b, from, end - from, StandardCharsets.ISO_8859_1));
    }

    private static boolean matches(byte[] b, int from, int to, byte[] key) {
        if (to - from != key.length) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            if (b[from + k] != key[k]) {
                return false;
            }
        }
        return true;
    }
}
