package io.pulse.aggregation.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** What the topology tests share: a pipeline of translation_delivered with a test's metrics, and its driver. */
public final class TopologyFixture {

    /** The application id the driver runs as: its internal topics start with it and a '-'. */
    public static final String APPLICATION_ID = "topology-test";

    private TopologyFixture() {
    }

    /** A pipeline of translation_delivered (keyed by client_name) with {@code metrics}, YAML indented as under 'metrics:'. */
    public static Pipeline translationDelivered(Path dir, String metrics) throws IOException {
        String schema;
        try (var in = TopologyFixture.class.getClassLoader()
                .getResourceAsStream("pulse/schemas/translation_delivered.schema.json")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, """
                event-types:
                  translation_delivered:
                    schema: %s
                    timestamp: {field: timestamp, formats: ["yyyy-MM-dd HH:mm:ss[.SSSSSS]"]}
                    id: translation_id
                    key: client_name
                metrics:
                """.formatted(schema.replace("\n", " ")) + metrics);
        return PipelineLoader.load(file.toString());
    }

    /** Drives the topology of {@code pipeline}, its state under {@code dir}, with wall clock and clock at {@code now}. */
    public static TopologyTestDriver driver(Pipeline pipeline, TopologySettings settings, Instant now,
                                            MeterRegistry registry, Path dir) {
        var topology = new MetricsTopology(pipeline, settings, Clock.fixed(now, ZoneOffset.UTC), registry).build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        return new TopologyTestDriver(topology, props, now);
    }
}
