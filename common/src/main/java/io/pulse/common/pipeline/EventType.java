package io.pulse.common.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One kind of event: its JSON Schema, where its time comes from, its identity and its partition key.
 *
 * @param name      the type name, also the suffix of its Kafka topic
 * @param schema    the JSON Schema (draft 2020-12) every event must satisfy
 * @param timestamp how to read the event time
 * @param idField   the field identifying an event, if duplicates must be recognised; null otherwise
 * @param keyField  the field whose value keys the Kafka record; null to key by event id
 */
public record EventType(String name, JsonNode schema, TimestampSpec timestamp, String idField, String keyField) {

    public Optional<String> id() {
        return Optional.ofNullable(idField);
    }

    public Optional<String> key() {
        return Optional.ofNullable(keyField);
    }
}
