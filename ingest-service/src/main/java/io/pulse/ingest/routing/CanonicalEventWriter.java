package io.pulse.ingest.routing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import java.io.IOException;

/**
 * Writes canonical events as {@code Json.MAPPER} writes them, byte for byte, with one generator and buffer kept for
 * all the events of a delivery. Through an {@code ObjectWriter} each event built its own generator (fetching buffers
 * through a thread-local lookup), serializer provider and output buffer, and read the record's fields
 * reflectively. The event's fields go through the mapper's own serialization of JSON trees and its configuration,
 * so what reaches Kafka does not change; {@code CanonicalEventWriterTest} compares the two. Not thread-safe: one
 * thread sends a delivery's events.
 */
final class CanonicalEventWriter {

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    private final SerializerProvider provider = Json.MAPPER.getSerializerProviderInstance();
    private JsonGenerator generator;

    /** The event as JSON bytes. */
    byte[] write(CanonicalEvent event) {
        try {
            if (generator == null) {
                generator = Json.MAPPER.getFactory().createGenerator(buffer);
                // events follow one another in one generator; each record holds one, with nothing before it
                generator.setRootValueSeparator(null);
            }
            generator.writeStartObject();
            generator.writeStringField("id", event.id());
            generator.writeStringField("type", event.type());
            generator.writeNumberField("ts", event.ts());
            generator.writeFieldName("attrs");
            if (event.attrs() == null) {
                generator.writeNull();
            } else {
                event.attrs().serialize(generator, provider);
            }
            generator.writeEndObject();
            generator.flush();
            return buffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            // a generator that failed half-way holds half an event: the next event starts on a new one
            generator = null;
            throw new IllegalArgumentException("cannot write the event as JSON", e);
        } finally {
            buffer.reset();
        }
    }
}
