package io.pulse.aggregation.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record of an event topic as read: a Pulse event, or the bytes of something that is not one. Reading never fails,
 * so a poison record (written by another producer, or damaged) cannot stop the aggregation, nor stop it again after
 * every restart; the topology dead-letters it and goes on.
 */
public sealed interface Incoming {

    /** Reads event topics; writes each record back as the bytes it was read from. */
    Serde<Incoming> SERDE = Serdes.serdeFrom((Serializer<Incoming>) (topic, value) -> value == null ? null : value.bytes(),
            (Deserializer<Incoming>) (topic, bytes) -> read(bytes));

    byte[] bytes();

    /** An event, with the bytes it was read from: a dead letter keeps them as they were. */
    record Event(CanonicalEvent event, byte[] bytes) implements Incoming {
    }

    record Unreadable(byte[] bytes, String reason) implements Incoming {
    }

    static Incoming read(byte[] bytes) {
        if (bytes == null) {
            return new Unreadable(new byte[0], "an empty record");
        }
        CanonicalEvent event;
        try {
            event = Json.read(bytes, CanonicalEvent.class);
        } catch (UncheckedIOException e) {
            return new Unreadable(bytes, "not a Pulse event: " + message(e.getCause()));
        }
        if (event == null || event.attrs() == null) {
            return new Unreadable(bytes, "not a Pulse event: it needs attrs");
        }
        return new Event(event, bytes);
    }

    private static String message(Throwable e) {
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }
}
