package io.pulse.aggregation;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** A fresh Kafka Streams state directory per test run: local state must never outlive the broker it came from. */
public class StateDirResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            return Map.of("kafka-streams.state.dir", Files.createTempDirectory("pulse-streams-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
