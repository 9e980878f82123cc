package io.pulse.common.derive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a derived field finds a point of the event: one WKT {@code POINT (lon lat)} string, or two number fields. */
public sealed interface PointSource {

    /** A position in degrees. */
    record Point(double lon, double lat) {
    }

    /** The fields read, for start-up checks. */
    List<String> fields();

    Point read(JsonNode event, String derived) throws DerivationException;

    /** A string field holding Well-Known Text {@code POINT (lon lat)}, as GIS exports write points. */
    record WktPoint(String field) implements PointSource {

        private static final String NUMBER = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)";
        private static final Pattern POINT = Pattern.compile(
                "\\s*POINT\\s*\\(\\s*" + NUMBER + "\\s+" + NUMBER + "\\s*\\)\\s*", Pattern.CASE_INSENSITIVE);

        @Override
        public List<String> fields() {
            return List.of(field);
        }

        @Override
        public Point read(JsonNode event, String derived) throws DerivationException {
            JsonNode value = event.path(field);
            if (!value.isTextual()) {
                throw new DerivationException(field, "needed to derive " + derived + ": a POINT (lon lat) string");
            }
            Matcher m = POINT.matcher(value.asText());
            if (!m.matches()) {
                String shown = value.asText().length() > 60 ? value.asText().substring(0, 60) + "…" : value.asText();
                throw new DerivationException(field, "'" + shown + "' is not a point: write POINT (lon lat) in degrees,"
                        + " to derive " + derived);
            }
            double lon = Double.parseDouble(m.group(1));
            double lat = Double.parseDouble(m.group(2));
            checkRange(field, field, lon, lat, derived);
            return new Point(lon, lat);
        }
    }

    /** Two number fields, longitude and latitude in degrees. */
    record LonLat(String lonField, String latField) implements PointSource {

        @Override
        public List<String> fields() {
            return List.of(lonField, latField);
        }

        @Override
        public Point read(JsonNode event, String derived) throws DerivationException {
            double lon = number(event, lonField, derived);
            double lat = number(event, latField, derived);
            checkRange(lonField, latField, lon, lat, derived);
            return new Point(lon, lat);
        }

        private static double number(JsonNode event, String field, String derived) throws DerivationException {
            JsonNode value = event.path(field);
            if (!value.isNumber()) {
                throw new DerivationException(field, "needed to derive " + derived + ": a number of degrees");
            }
            return value.doubleValue();
        }
    }

    private static void checkRange(String lonField, String latField, double lon, double lat, String derived)
            throws DerivationException {
        if (!(lon >= -180 && lon <= 180)) {
            throw new DerivationException(lonField, "longitude " + lon + " is outside [-180, 180], to derive " + derived);
        }
        if (!(lat >= -90 && lat <= 90)) {
            throw new DerivationException(latField, "latitude " + lat + " is outside [-90, 90], to derive " + derived);
        }
    }
}
