package io.pulse.common.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pulse.common.derive.DerivedField;
import io.pulse.common.derive.DerivedFieldReader;
import io.pulse.common.derive.InvalidDerivedField;
import io.pulse.common.Topics;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Reads and validates a pipeline file. Every mistake is reported with the file, the path inside it and the fix,
 * so a service refuses to start rather than run a pipeline nobody meant.
 */
public final class PipelineLoader {

    /** The pipeline shipped with Pulse: {@code pipeline/pulse.yaml} at the top of the repository. */
    public static final String BUNDLED = "classpath:pulse/pulse.yaml";

    private static final String CLASSPATH = "classpath:";
    private static final Set<String> NAMED_FORMATS = Set.of("iso", "epoch-seconds", "epoch-millis");
    private static final Duration DAY = Duration.ofDays(1);
    /** A name Kafka accepts for a topic. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final String source;

    private PipelineLoader(String source) {
        this.source = source;
    }

    /** Loads {@code location}: a file path, or {@code classpath:} followed by a resource name. */
    public static Pipeline load(String location) {
        return new PipelineLoader(location).read();
    }

    private Pipeline read() {
        PipelineFile file;
        try (InputStream in = open(source)) {
            file = YAML.readValue(in, PipelineFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PipelineException(source, path(e), "unknown field '" + e.getPropertyName() + "'",
                    "use one of " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()
                            + " or remove it");
        } catch (MismatchedInputException e) {
            throw new PipelineException(source, path(e), e.getOriginalMessage().split("\n")[0],
                    "write the value in the form the pipeline file documents (see pipeline/pulse.yaml)");
        } catch (JsonProcessingException e) {
            throw new PipelineException(source, "not valid YAML: " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException e) {
            throw new PipelineException(source, "file not found", e);
        } catch (IOException e) {
            throw new PipelineException(source, "cannot be read: " + e.getMessage(), e);
        }
        if (file == null || file.eventTypes() == null || file.eventTypes().isEmpty()) {
            throw new PipelineException(source, "event-types", "no event types are declared",
                    "declare at least one event type under 'event-types'");
        }
        Map<String, EventType> types = new LinkedHashMap<>();
        file.eventTypes().forEach((name, entry) -> types.put(name, eventType(name, entry)));
        Map<String, Metric> metrics = new LinkedHashMap<>();
        if (file.metrics() != null) {
            file.metrics().forEach((name, entry) -> metrics.put(name, metric(name, entry, types)));
        }
        checkTopicsApart(types, metrics);
        return new Pipeline(source, Collections.unmodifiableMap(types), Collections.unmodifiableMap(metrics));
    }

    /** A topic feeds one event type, and no metric publishes into a topic Pulse reads: that would loop. */
    private void checkTopicsApart(Map<String, EventType> types, Map<String, Metric> metrics) {
        Map<String, String> readBy = new LinkedHashMap<>();
        for (EventType type : types.values()) {
            for (int i = 0; i < type.sourceTopics().size(); i++) {
                String topic = type.sourceTopics().get(i);
                String other = readBy.putIfAbsent(topic, type.name());
                if (other != null) {
                    throw new PipelineException(source, "event-types." + type.name() + ".sources[" + i + "]",
                            "topic '" + topic + "' is already a source of event type '" + other + "'",
                            "read each topic as one event type");
                }
            }
        }
        for (Metric metric : metrics.values()) {
            for (int i = 0; i < metric.sinkTopics().size(); i++) {
                String topic = metric.sinkTopics().get(i);
                if (readBy.containsKey(topic)) {
                    throw new PipelineException(source, "metrics." + metric.name() + ".sinks[" + i + "]",
                            "topic '" + topic + "' is a source of event type '" + readBy.get(topic) + "'",
                            "publish results to a topic Pulse does not read");
                }
            }
        }
    }

    /** The topics of a {@code sources} or {@code sinks} list, each named once, none of them Pulse's own. */
    private List<String> topics(List<PipelineFile.TopicEntry> entries, String at) {
        if (entries == null) {
            return List.of();
        }
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = at + "[" + i + "].kafka.topic";
            String topic = entries.get(i).kafka().topic();
            if (topic == null || !TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new PipelineException(source, where, "'" + topic + "' is not a Kafka topic name",
                        "use up to 249 letters, digits, '.', '_' and '-'");
            }
            if (Topics.isPulses(topic)) {
                throw new PipelineException(source, where, "topic '" + topic + "' is one Pulse keeps for itself",
                        "name a topic of your own (not events.*, aggregates, ingest.requests, uploads.status or"
                                + " pulse-aggregation-*)");
            }
            if (topics.contains(topic)) {
                throw new PipelineException(source, where, "topic '" + topic + "' is listed twice", "list it once");
            }
            topics.add(topic);
        }
        return List.copyOf(topics);
    }

    private EventType eventType(String name, PipelineFile.EventTypeEntry entry) {
        String at = "event-types." + name;
        requireName(name, at);
        JsonNode schema = schema(entry.schema(), at + ".schema");
        Set<String> fields = schemaFields(schema, at + ".schema");
        var ts = entry.timestamp();
        requireField(fields, ts.field(), at + ".timestamp.field");
        List<String> formats = ts.formats() == null || ts.formats().isEmpty() ? List.of("iso") : List.copyOf(ts.formats());
        for (int i = 0; i < formats.size(); i++) {
            checkFormat(formats.get(i), at + ".timestamp.formats[" + i + "]");
        }
        ZoneId zone = zone(ts.zone(), at + ".timestamp.zone");
        if (entry.id() != null) {
            requireField(fields, entry.id(), at + ".id");
        }
        if (entry.key() != null) {
            requireField(fields, entry.key(), at + ".key");
        }
        return new EventType(name, schema, new TimestampSpec(ts.field(), formats, zone), entry.id(), entry.key(),
                derived(entry.derived(), schema, fields, zone, at + ".derived"), topics(entry.sources(), at + ".sources"));
    }

    private List<DerivedField> derived(Map<String, JsonNode> declared, JsonNode schema, Set<String> fields, ZoneId zone,
                                       String at) {
        if (declared == null) {
            return List.of();
        }
        DerivedFieldReader reader = new DerivedFieldReader(schema.get("properties"), zone);
        List<DerivedField> derived = new ArrayList<>();
        declared.forEach((name, spec) -> {
            String where = at + "." + name;
            requireName(name, where);
            if (fields.contains(name)) {
                throw new PipelineException(source, where, "'" + name + "' is already a field of the schema",
                        "give the derived field a name the schema does not use");
            }
            try {
                derived.add(reader.read(name, spec));
            } catch (InvalidDerivedField e) {
                throw new PipelineException(source, e.path().isEmpty() ? where : where + "." + e.path(), e.problem(),
                        e.fix());
            }
        });
        return List.copyOf(derived);
    }

    private Metric metric(String name, PipelineFile.MetricEntry entry, Map<String, EventType> types) {
        String at = "metrics." + name;
        requireName(name, at);
        EventType type = types.get(entry.from());
        if (type == null) {
            throw new PipelineException(source, at + ".from", "unknown event type '" + entry.from() + "'",
                    "use one of " + types.keySet() + " or declare it under 'event-types'");
        }
        Set<String> fields = new LinkedHashSet<>(schemaFields(type.schema(), "event-types." + type.name() + ".schema"));
        type.derived().forEach(d -> fields.add(d.name()));
        if (entry.value() != null) {
            requireField(fields, entry.value(), at + ".value");
            requireNumeric(type, entry.value(), at + ".value");
        }
        if (entry.distinct() != null) {
            requireField(fields, entry.distinct(), at + ".distinct");
        }
        List<String> groupBy = entry.groupBy() == null ? List.of() : List.copyOf(entry.groupBy());
        for (int i = 0; i < groupBy.size(); i++) {
            requireField(fields, groupBy.get(i), at + ".group-by[" + i + "]");
        }
        Duration granularity = duration(entry.granularity(), at + ".granularity");
        boolean dividesDay = DAY.toMillis() % granularity.toMillis() == 0;
        boolean wholeDays = granularity.toMillis() % DAY.toMillis() == 0;
        if (granularity.toMillis() % 1000 != 0 || !(dividesDay || wholeDays)) {
            throw new PipelineException(source, at + ".granularity", "'" + entry.granularity()
                    + "' does not align buckets to days", "use whole seconds that divide a day (1m, 5m, 1h) or whole days");
        }
        ZoneId zone = null;
        if (entry.zone() != null) {
            zone = zone(entry.zone(), at + ".zone");
            if (!wholeDays) {
                throw new PipelineException(source, at + ".zone", "a zone applies only to day-or-longer granularities, not '"
                        + entry.granularity() + "'", "remove 'zone' or use a granularity of whole days (1d, 7d)");
            }
        }
        Duration lateness = entry.allowedLateness() == null ? Duration.ZERO
                : duration(entry.allowedLateness(), at + ".allowed-lateness", true);
        List<Aggregation> aggregations = aggregations(entry, at);
        Duration retention = entry.retention() == null ? null : duration(entry.retention(), at + ".retention");
        return new Metric(name, type.name(), entry.value(), entry.distinct(), groupBy, granularity, lateness, aggregations,
                retention, zone, topics(entry.sinks(), at + ".sinks"));
    }

    private List<Aggregation> aggregations(PipelineFile.MetricEntry entry, String at) {
        List<String> names = entry.aggregations();
        if (names == null || names.isEmpty()) {
            List<Aggregation> defaults = new ArrayList<>(entry.value() == null ? List.of(Aggregation.COUNT) : Aggregation.VALUE_DEFAULTS);
            if (entry.distinct() != null) {
                defaults.add(Aggregation.DISTINCT);
            }
            return List.copyOf(defaults);
        }
        List<Aggregation> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String where = at + ".aggregations[" + i + "]";
            String name = names.get(i);
            Aggregation a = Aggregation.fromWireName(name).orElseThrow(() -> new PipelineException(source,
                    where, "unknown aggregation '" + name + "'", "use one of " + Aggregation.wireNames()));
            if (a.needsValue() && entry.value() == null) {
                throw new PipelineException(source, where, "'" + a.wireName() + "' needs a value field",
                        "add 'value: <numeric field>' to the metric or remove '" + a.wireName() + "'");
            }
            if (a.needsDistinct() && entry.distinct() == null) {
                throw new PipelineException(source, where, "'distinct' needs a distinct field",
                        "add 'distinct: <field>' to the metric or remove 'distinct'");
            }
            result.add(a);
        }
        return List.copyOf(result);
    }

    private JsonNode schema(JsonNode declared, String at) {
        if (declared != null && declared.isObject()) {
            return declared;
        }
        if (declared == null || !declared.isTextual()) {
            throw new PipelineException(source, at, "the schema is neither a file name nor an inline JSON Schema",
                    "name a JSON Schema file relative to the pipeline file, or write the schema inline");
        }
        String location = sibling(declared.asText());
        try (InputStream in = open(location)) {
            JsonNode schema = Json.MAPPER.readTree(in);
            if (schema == null || !schema.isObject()) {
                throw new PipelineException(source, at, "schema file " + location + " holds no JSON object",
                        "write a JSON Schema object in it");
            }
            return schema;
        } catch (JsonProcessingException e) {
            throw new PipelineException(source, at, "schema file " + location + " is not valid JSON: "
                    + e.getOriginalMessage(), "fix the JSON in " + location);
        } catch (IOException e) {
            throw new PipelineException(source, at, "schema file " + location + " cannot be read ("
                    + e.getClass().getSimpleName() + ")", "check the path; it is relative to the pipeline file");
        }
    }

    private Set<String> schemaFields(JsonNode schema, String at) {
        JsonNode properties = schema.get("properties");
        if (properties == null || !properties.isObject()) {
            throw new PipelineException(source, at, "the schema declares no 'properties'",
                    "declare the event's fields under 'properties' so metrics can name them");
        }
        Set<String> fields = new LinkedHashSet<>();
        properties.fieldNames().forEachRemaining(fields::add);
        return fields;
    }

    private void requireField(Set<String> fields, String field, String at) {
        if (field == null || !fields.contains(field)) {
            throw new PipelineException(source, at, "field '" + field + "' is not in the event type's schema",
                    "use one of " + fields + " or add it to the schema's properties");
        }
    }

    private void requireNumeric(EventType eventType, String field, String at) {
        JsonNode type = eventType.derivedField(field).<JsonNode>map(d -> TextNode.valueOf(d.type()))
                .orElseGet(() -> eventType.schema().path("properties").path(field).path("type"));
        Set<String> types = type.isArray()
                ? StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).collect(Collectors.toSet())
                : Set.of(type.asText());
        if (!types.contains("number") && !types.contains("integer")) {
            throw new PipelineException(source, at, "field '" + field + "' is not numeric in the schema",
                    "declare it with \"type\": \"number\" or \"integer\", or pick a numeric field");
        }
    }

    private void requireName(String name, String at) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new PipelineException(source, at, "name '" + name + "' is not allowed",
                    "use lower-case letters, digits and '_', starting with a letter (it names Kafka topics and URLs)");
        }
    }

    private void checkFormat(String format, String at) {
        if (format == null || NAMED_FORMATS.contains(format)) {
            return;
        }
        try {
            DateTimeFormatter.ofPattern(format);
        } catch (IllegalArgumentException e) {
            throw new PipelineException(source, at, "'" + format + "' is not a timestamp format: " + e.getMessage(),
                    "use iso, epoch-seconds, epoch-millis or a java.time pattern such as 'yyyy-MM-dd HH:mm:ss'");
        }
    }

    private ZoneId zone(String zone, String at) {
        if (zone == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone).normalized();
        } catch (DateTimeException e) {
            throw new PipelineException(source, at, "unknown zone '" + zone + "'",
                    "use UTC, an offset such as +02:00 or a region such as Europe/Lisbon");
        }
    }

    private Duration duration(String text, String at) {
        return duration(text, at, false);
    }

    private Duration duration(String text, String at, boolean zeroAllowed) {
        Duration d = Durations.parse(text).orElseThrow(() -> new PipelineException(source, at,
                "'" + text + "' is not a duration", "write it as 30s, 10m, 1h, 1d or ISO-8601 such as PT10M"));
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new PipelineException(source, at, "'" + text + "' must be " + (zeroAllowed ? "zero or more" : "positive"),
                    "write a " + (zeroAllowed ? "non-negative" : "positive") + " duration such as 1m");
        }
        return d;
    }

    private String sibling(String relative) {
        if (source.startsWith(CLASSPATH)) {
            String resource = source.substring(CLASSPATH.length());
            int slash = resource.lastIndexOf('/');
            return CLASSPATH + (slash < 0 ? "" : resource.substring(0, slash + 1)) + relative;
        }
        Path parent = Path.of(source).toAbsolutePath().getParent();
        return parent.resolve(relative).toString();
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String resource = location.substring(CLASSPATH.length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new NoSuchFileException(location);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
