package io.pulse.common.event;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one policy for numbers in events, on every input path (JSON, NDJSON, CSV) and again in the aggregation.
 * <ul>
 *   <li>A number has at most {@link #MAX_DIGITS} digits (its integer part, fraction and exponent together): the JSON
 *       reader's own limit, applied to CSV cells before they are parsed, since parsing a number of millions of digits
 *       takes hours.</li>
 *   <li>Its value fits a 64-bit floating-point number: beyond it ({@code 1e999}, an integer of 400 digits) it is
 *       infinite in every sum, average and maximum, for good, since roll-ups move by difference.</li>
 * </ul>
 */
public final class NumberLimits {

    public static final int MAX_DIGITS = StreamReadConstraints.DEFAULT_MAX_NUM_LEN;

    public static final String OUT_OF_RANGE = "number out of range: larger than a 64-bit floating-point number";

    private NumberLimits() {
    }

    /** Why a number's text is refused before it is parsed, if it is: more digits than {@link #MAX_DIGITS}. */
    public static Optional<String> tooLong(String text) {
        if (text.length() <= MAX_DIGITS) {
            return Optional.empty();
        }
        long digits = text.chars().filter(c -> c >= '0' && c <= '9').count();
        if (digits <= MAX_DIGITS) {
            return Optional.empty();
        }
        return Optional.of("number of " + digits + " digits, more than the " + MAX_DIGITS + " allowed");
    }

    /**
     * Each number in the tree whose value is out of range, at its JSON Pointer. The tree is searched once without
     * pointers first: almost no event holds such a number, and the pointers are spelt out only for one that does.
     */
    public static List<FieldError> outOfRange(JsonNode tree) {
        if (!holdsOutOfRange(tree)) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        collect(tree, new ArrayDeque<>(), errors);
        return errors;
    }

    private static boolean holdsOutOfRange(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (holdsOutOfRange(child)) {
                    return true;
                }
            }
            return false;
        }
        return isOutOfRange(node);
    }

    private static boolean isOutOfRange(JsonNode node) {
        return node.isNumber() && !Double.isFinite(node.doubleValue());
    }

    private static void collect(JsonNode node, Deque<String> path, List<FieldError> errors) {
        if (isOutOfRange(node)) {
            errors.add(new FieldError(path.stream().map(step -> "/" + step).collect(Collectors.joining()), OUT_OF_RANGE));
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                path.addLast(FieldError.segment(property.getKey()));
                collect(property.getValue(), path, errors);
                path.removeLast();
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.addLast(Integer.toString(i));
                collect(node.get(i), path, errors);
                path.removeLast();
            }
        }
    }
}
