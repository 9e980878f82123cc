package io.pulse.common.derive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A part of the event time, read in a zone: to group by weekday or hour of the day, or by calendar date.
 *
 * @param name the derived field
 * @param part which part
 * @param zone the zone the time is read in
 */
public record DatePart(String name, Part part, ZoneId zone) implements DerivedField {

    /** The parts, by the name the pipeline file uses. */
    public enum Part {
        /** {@code 2018-12-26} */
        DATE("date", "string"),
        YEAR("year", "integer"),
        /** 1 to 12 */
        MONTH("month", "integer"),
        /** 1 to 31 */
        DAY_OF_MONTH("day-of-month", "integer"),
        /** {@code monday} to {@code sunday} */
        DAY_OF_WEEK("day-of-week", "string"),
        /** 0 to 23 */
        HOUR("hour", "integer");

        private final String wireName;
        private final String type;

        Part(String wireName, String type) {
            this.wireName = wireName;
            this.type = type;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Part> fromWireName(String name) {
            return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
        }

        public static List<String> wireNames() {
            return Arrays.stream(values()).map(Part::wireName).toList();
        }
    }

    @Override
    public String type() {
        return part.type;
    }

    @Override
    public JsonNode derive(JsonNode event, Instant time) {
        ZonedDateTime t = time.atZone(zone);
        return switch (part) {
            case DATE -> TextNode.valueOf(t.toLocalDate().toString());
            case YEAR -> IntNode.valueOf(t.getYear());
            case MONTH -> IntNode.valueOf(t.getMonthValue());
            case DAY_OF_MONTH -> IntNode.valueOf(t.getDayOfMonth());
            case DAY_OF_WEEK -> TextNode.valueOf(t.getDayOfWeek().name().toLowerCase(Locale.ROOT));
            case HOUR -> IntNode.valueOf(t.getHour());
        };
    }
}
