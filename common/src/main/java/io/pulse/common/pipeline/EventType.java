package io.pulse.common.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.derive.DerivedField;
import java.util.List;
import java.util.Optional;

/**
 * One kind of event: its JSON Schema, where its time comes from, its identity and its partition key.
 *
 * @param name      the type name, also the suffix of its Kafka topic
 * @param schema    the JSON Schema (draft 2020-12) every event must satisfy
 * @param timestamp how to read the event time
 * @param idField   the field identifying an event, if duplicates must be recognised; null otherwise
 * @param keyField  the field whose value keys the Kafka record; null to key by event id
 * @param derived   the fields computed from each valid event at ingest, in file order
 * @param sourceTopics the Kafka topics ingest reads events of this type from, besides HTTP; each record's value is
 *                  one JSON event
 */
public record EventType(String name, JsonNode schema, TimestampSpec timestamp, String idField, String keyField,
                        List<DerivedField> derived, List<String> sourceTopics) {

    public Optional<DerivedField> derivedField(String field) {
        return derived.stream().filter(d -> d.name().equals(field)).findFirst();
    }

    public Optional<String> id() {
        return Optional.ofNullable(idField);
    }

    public Optional<String> key() {
        return Optional.ofNullable(keyField);
    }
}
