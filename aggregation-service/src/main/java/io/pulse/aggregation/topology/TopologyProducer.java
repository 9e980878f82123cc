package io.pulse.aggregation.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.aggregation.AggregationConfig;
import io.pulse.common.kafka.NativeLz4;
import io.pulse.common.pipeline.Pipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/** Hands the pipeline's topology to Quarkus' Kafka Streams extension, which runs and monitors it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    Topology topology(Pipeline pipeline, AggregationConfig config, MeterRegistry registry) {
        // before Kafka Streams starts: its consumers decompress the lz4 batches ingest writes
        NativeLz4.load();
        return new MetricsTopology(pipeline, TopologySettings.of(config), Clock.systemUTC(), registry).build();
    }
}
