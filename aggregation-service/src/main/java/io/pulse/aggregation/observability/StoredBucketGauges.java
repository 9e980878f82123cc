package io.pulse.aggregation.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.aggregation.topology.StateNames;
import io.pulse.common.pipeline.Pipeline;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/** The size of each metric's bucket store on this instance, as {@code pulse.aggregation.buckets.stored}. */
@ApplicationScoped
public class StoredBucketGauges {

    @Inject
    KafkaStreams streams;

    void register(@Observes StartupEvent started, Pipeline pipeline, MeterRegistry registry) {
        pipeline.metrics().values().forEach(metric -> Gauge.builder("pulse.aggregation.buckets.stored", this,
                        gauges -> gauges.approximateEntries(StateNames.buckets(metric).buckets()))
                .tag("metric", metric.name())
                .description("Buckets kept in this instance's state store (open, and final ones still counting late events)")
                .register(registry));
    }

    private double approximateEntries(String store) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return Double.NaN; // migrating between instances
        }
    }
}
