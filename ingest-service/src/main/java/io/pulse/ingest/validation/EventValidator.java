package io.pulse.ingest.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pulse.common.derive.DerivationException;
import io.pulse.common.derive.DerivedField;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.FieldError;
import io.pulse.common.event.NumberLimits;
import io.pulse.common.event.TimestampException;
import io.pulse.common.event.TimestampParser;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineException;
import io.pulse.ingest.IngestConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks one item against its type's JSON Schema and reads its time; turns a valid item into the canonical event.
 * Schemas are checked and compiled once, at start-up, so a bad one stops the service there.
 */
@Startup
@Singleton
public class EventValidator {

    private static final String METASCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final Set<String> NAMED_PROPERTY = Set.of("required", "additionalProperties", "unevaluatedProperties");

    private final Map<String, JsonSchema> schemas = new HashMap<>();
    private final Map<String, TimestampParser> timestamps = new HashMap<>();
    private final Duration maxFutureSkew;
    private final Clock clock;
    /**
     * The clock's last reading plus the allowed skew. The clock only moves on, so an event not later than this is
     * not later than the limit now either; only a later one needs a new reading, which spares a clock read on every
     * event of a large request. Threads may race to store readings: any of them is still a past one.
     */
    private volatile Instant latestAllowed = Instant.MIN;

    @Inject
    public EventValidator(Pipeline pipeline, IngestConfig config) {
        this(pipeline, config, Clock.systemUTC());
    }

    EventValidator(Pipeline pipeline, IngestConfig config, Clock clock) {
        this.maxFutureSkew = config.maxFutureSkew();
        this.clock = clock;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig schemaConfig = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        JsonSchema metaschema = factory.getSchema(SchemaLocation.of(METASCHEMA), schemaConfig);
        for (EventType type : pipeline.eventTypes().values()) {
            requireValidSchema(pipeline, type, metaschema);
            schemas.put(type.name(), factory.getSchema(type.schema(), schemaConfig));
            timestamps.put(type.name(), new TimestampParser(type.timestamp()));
        }
    }

    /**
     * A schema that breaks the 2020-12 metaschema (a misspelt type, a string where a number belongs) would
     * validate events wrongly or not at all: the service refuses to start instead.
     */
    private static void requireValidSchema(Pipeline pipeline, EventType type, JsonSchema metaschema) {
        Set<ValidationMessage> problems = metaschema.validate(type.schema());
        if (!problems.isEmpty()) {
            ValidationMessage first = problems.iterator().next();
            throw new PipelineException(pipeline.source(), "event-types." + type.name() + ".schema"
                    + first.getInstanceLocation(), "the schema is not valid JSON Schema (draft 2020-12): "
                    + first.getMessage(), "correct the schema so it validates against " + METASCHEMA);
        }
    }

    /** The canonical event, or every reason the item is refused. */
    public Outcome validate(EventType type, JsonNode item) {
        List<FieldError> errors = new ArrayList<>(NumberLimits.outOfRange(item));
        for (ValidationMessage m : schemas.get(type.name()).validate(item)) {
            errors.add(new FieldError(pointer(m), m.getError()));
        }
        if (!item.isObject()) {
            return Outcome.rejected(errors);
        }
        String tsField = type.timestamp().field();
        Instant ts = null;
        try {
            ts = timestamps.get(type.name()).parse(item.get(tsField));
            if (tooFarAhead(ts)) {
                errors.add(new FieldError("/" + tsField, "timestamp " + ts + " is more than "
                        + maxFutureSkew.toSeconds() + " s ahead of the server clock"));
            }
        } catch (TimestampException e) {
            String field = "/" + tsField;
            if (errors.stream().noneMatch(error -> error.field().equals(field))) {
                errors.add(new FieldError(field, e.getMessage()));
            }
        }
        type.key().ifPresent(keyField -> {
            JsonNode key = item.path(keyField);
            if ((!key.isValueNode() || key.isNull()) && errors.stream().noneMatch(e -> e.field().equals("/" + keyField))) {
                errors.add(new FieldError("/" + keyField, "the partition key must be present and a string or number"));
            }
        });
        Map<String, JsonNode> derived = errors.isEmpty() ? derive(type, item, ts, errors) : Map.of();
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            return Outcome.rejected(List.copyOf(errors));
        }
        ((ObjectNode) item).setAll(derived);
        String id = type.id().map(item::path).filter(JsonNode::isValueNode).map(JsonNode::asText)
                .orElseGet(() -> UUID.randomUUID().toString());
        return Outcome.accepted(new CanonicalEvent(id, type.name(), ts.toEpochMilli(), (ObjectNode) item));
    }

    /**
     * The type's derived fields of a valid event, computed after the schema so each function reads fields of the
     * declared types. A value that cannot be derived (a malformed point) refuses the event at its source field.
     */
    private static Map<String, JsonNode> derive(EventType type, JsonNode item, Instant ts, List<FieldError> errors) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (DerivedField field : type.derived()) {
            try {
                values.put(field.name(), field.derive(item, ts));
            } catch (DerivationException e) {
                errors.add(e.toFieldError());
            }
        }
        return values;
    }

    /** Whether the event holds a time later than the allowed skew ahead of the clock. */
    private boolean tooFarAhead(Instant ts) {
        if (!ts.isAfter(latestAllowed)) {
            return false;
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        latestAllowed = latest;
        return ts.isAfter(latest);
    }

    /** A JSON Pointer to the offending field: for a missing or an unexpected property, the property itself. */
    private static String pointer(ValidationMessage m) {
        String at = m.getInstanceLocation().toString();
        if (NAMED_PROPERTY.contains(m.getType()) && m.getProperty() != null) {
            return at + "/" + m.getProperty();
        }
        return at;
    }

    /** Either an event ready for Kafka or the reasons it is not. */
    public record Outcome(CanonicalEvent event, List<FieldError> errors) {

        static Outcome accepted(CanonicalEvent event) {
            return new Outcome(event, List.of());
        }

        public static Outcome rejected(List<FieldError> errors) {
            return new Outcome(null, errors);
        }

        public boolean isAccepted() {
            return event != null;
        }
    }
}
