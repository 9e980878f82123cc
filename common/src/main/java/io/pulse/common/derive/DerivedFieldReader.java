package io.pulse.common.derive;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Reads one derived field as the pipeline file declares it: a map with exactly one function and its options.
 * <pre>
 * origin_cell: { geohash: origin_coord, precision: 5 }                       # a POINT (lon lat) string field
 * pickup_cell: { geohash: { lon: pickup_lon, lat: pickup_lat }, precision: 7 }
 * heat_index:  { heat-index: { temperature: temperature, humidity: humidity } }
 * weekday:     { date-part: day-of-week }                                    # of the event time, in the type's zone
 * local_hour:  { date-part: hour, zone: Europe/Lisbon }
 * </pre>
 * Every argument must be a field of the type's schema, of a type the function can read.
 */
public final class DerivedFieldReader {

    private static final String GEOHASH = "geohash";
    private static final String HEAT_INDEX = "heat-index";
    private static final String DATE_PART = "date-part";
    /** Each function and the options it takes besides its own key. */
    private static final Map<String, Set<String>> FUNCTIONS = Map.of(
            GEOHASH, Set.of("precision"), HEAT_INDEX, Set.of(), DATE_PART, Set.of("zone"));
    private static final List<String> FUNCTION_NAMES = List.of(GEOHASH, HEAT_INDEX, DATE_PART);
    private static final String FORMS = "write { geohash: <field>, precision: 5 }, "
            + "{ heat-index: { temperature: <field>, humidity: <field> } } or { date-part: hour }";

    private final JsonNode properties;
    private final ZoneId typeZone;

    /**
     * @param schemaProperties the {@code properties} of the event type's JSON Schema
     * @param typeZone         the zone of the type's timestamps, the default of date parts
     */
    public DerivedFieldReader(JsonNode schemaProperties, ZoneId typeZone) {
        this.properties = schemaProperties;
        this.typeZone = typeZone;
    }

    /** The derived field {@code name} declared by {@code spec}, or an {@link InvalidDerivedField} saying what to fix. */
    public DerivedField read(String name, JsonNode spec) {
        if (spec == null || !spec.isObject() || spec.isEmpty()) {
            throw new InvalidDerivedField("", "derived field '" + name + "' does not call a function", FORMS);
        }
        List<String> keys = new ArrayList<>();
        spec.fieldNames().forEachRemaining(keys::add);
        List<String> functions = keys.stream().filter(FUNCTIONS::containsKey).toList();
        if (functions.isEmpty()) {
            throw new InvalidDerivedField(keys.get(0), "unknown function '" + keys.get(0) + "'",
                    "use one of " + FUNCTION_NAMES + ": " + FORMS);
        }
        if (functions.size() > 1) {
            throw new InvalidDerivedField(functions.get(1), "a derived field calls one function, here "
                    + functions.size() + ": " + functions, "declare one derived field per function");
        }
        String function = functions.get(0);
        for (String key : keys) {
            if (!key.equals(function) && !FUNCTIONS.get(function).contains(key)) {
                throw new InvalidDerivedField(key, "unknown option '" + key + "' of " + function,
                        FUNCTIONS.get(function).isEmpty() ? "remove it; " + function + " takes no options"
                                : "use one of " + FUNCTIONS.get(function) + " or remove it");
            }
        }
        return switch (function) {
            case GEOHASH -> geohash(name, spec);
            case HEAT_INDEX -> heatIndex(name, spec.get(HEAT_INDEX));
            default -> datePart(name, spec);
        };
    }

    private GeohashCell geohash(String name, JsonNode spec) {
        JsonNode point = spec.get(GEOHASH);
        PointSource source;
        if (point.isTextual()) {
            requireField(point.asText(), GEOHASH, Set.of("string"), "a POINT (lon lat) string");
            source = new PointSource.WktPoint(point.asText());
        } else if (point.isObject()) {
            arguments(point, GEOHASH, List.of("lon", "lat"));
            String lon = field(point, "lon", GEOHASH);
            String lat = field(point, "lat", GEOHASH);
            requireField(lon, GEOHASH + ".lon", Set.of("number", "integer"), "a number of degrees");
            requireField(lat, GEOHASH + ".lat", Set.of("number", "integer"), "a number of degrees");
            source = new PointSource.LonLat(lon, lat);
        } else {
            throw new InvalidDerivedField(GEOHASH, "geohash takes a point field or { lon: <field>, lat: <field> }",
                    "write geohash: origin_coord (a POINT (lon lat) string) or geohash: { lon: lon, lat: lat }");
        }
        JsonNode precision = spec.get("precision");
        if (precision == null) {
            throw new InvalidDerivedField("precision", "geohash needs the argument 'precision'",
                    "add precision: 5 (cells of about 5 km) — from " + GeohashCell.MIN_PRECISION + " to "
                            + GeohashCell.MAX_PRECISION + " characters");
        }
        if (!precision.canConvertToExactIntegral() || precision.asInt() < GeohashCell.MIN_PRECISION
                || precision.asInt() > GeohashCell.MAX_PRECISION) {
            throw new InvalidDerivedField("precision", "precision '" + precision.asText() + "' is not a whole number from "
                    + GeohashCell.MIN_PRECISION + " to " + GeohashCell.MAX_PRECISION,
                    "use 1 (about 5,000 km) to 12 (a few cm); 5 is about 5 km, 7 about 150 m");
        }
        return new GeohashCell(name, source, precision.asInt());
    }

    private HeatIndex heatIndex(String name, JsonNode args) {
        if (!args.isObject()) {
            throw new InvalidDerivedField(HEAT_INDEX, "heat-index takes { temperature: <field>, humidity: <field> }",
                    "write heat-index: { temperature: temperature, humidity: humidity }");
        }
        arguments(args, HEAT_INDEX, List.of("temperature", "humidity"));
        String t = field(args, "temperature", HEAT_INDEX);
        String rh = field(args, "humidity", HEAT_INDEX);
        requireField(t, HEAT_INDEX + ".temperature", Set.of("number", "integer"), "a number, °F");
        requireField(rh, HEAT_INDEX + ".humidity", Set.of("number", "integer"), "a number, relative humidity in %");
        return new HeatIndex(name, t, rh);
    }

    private DatePart datePart(String name, JsonNode spec) {
        String part = spec.get(DATE_PART).asText();
        DatePart.Part p = DatePart.Part.fromWireName(part).orElseThrow(() -> new InvalidDerivedField(DATE_PART,
                "unknown date part '" + part + "'", "use one of " + DatePart.Part.wireNames()));
        ZoneId zone = typeZone;
        JsonNode zoneText = spec.get("zone");
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText.asText()).normalized();
            } catch (DateTimeException e) {
                throw new InvalidDerivedField("zone", "unknown zone '" + zoneText.asText() + "'",
                        "use UTC, an offset such as +02:00 or a region such as Europe/Lisbon");
            }
        }
        return new DatePart(name, p, zone);
    }

    /** The function's named arguments: all of {@code expected}, nothing else. */
    private static void arguments(JsonNode args, String function, List<String> expected) {
        Set<String> seen = new HashSet<>();
        args.fieldNames().forEachRemaining(seen::add);
        for (String name : seen) {
            if (!expected.contains(name)) {
                throw new InvalidDerivedField(function + "." + name, "unknown argument '" + name + "' of " + function,
                        "use " + expected);
            }
        }
        for (String name : expected) {
            if (!seen.contains(name)) {
                throw new InvalidDerivedField(function, function + " needs the argument '" + name + "'",
                        "add " + name + ": <field> (arguments: " + expected + ")");
            }
        }
    }

    private static String field(JsonNode args, String argument, String function) {
        JsonNode value = args.get(argument);
        if (!value.isTextual()) {
            throw new InvalidDerivedField(function + "." + argument, "argument '" + argument + "' must name a field",
                    "write " + argument + ": <field of the schema>");
        }
        return value.asText();
    }

    private void requireField(String field, String path, Set<String> types, String what) {
        JsonNode property = properties.get(field);
        if (property == null) {
            Set<String> known = new LinkedHashSet<>();
            properties.fieldNames().forEachRemaining(known::add);
            throw new InvalidDerivedField(path, "field '" + field + "' is not in the event type's schema",
                    "use one of " + known + " or add it to the schema's properties");
        }
        JsonNode type = property.path("type");
        Set<String> declared = new HashSet<>();
        if (type.isArray()) {
            StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).forEach(declared::add);
        } else {
            declared.add(type.asText());
        }
        if (declared.stream().noneMatch(types::contains)) {
            throw new InvalidDerivedField(path, "field '" + field + "' is not " + what + " in the schema (type "
                    + (type.isMissingNode() ? "undeclared" : type.toString()) + ")",
                    "declare it with \"type\": " + (types.contains("string") ? "\"string\"" : "\"number\"")
                            + " or name another field");
        }
    }
}
