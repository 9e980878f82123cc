package io.pulse.aggregation.serde;

import io.pulse.common.json.Json;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka serdes for Pulse's JSON wire formats, all written by the one shared mapper. */
public final class JsonSerde {

    private JsonSerde() {
    }

    public static <T> Serde<T> of(Class<T> type) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : Json.write(value),
                (topic, bytes) -> bytes == null ? null : Json.read(bytes, type));
    }
}
