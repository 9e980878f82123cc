package io.pulse.common.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes the pipeline file a bean of every service, and reads it at start-up so a bad file stops the service there. */
@ApplicationScoped
public class PipelineProducer {

    /** The pipeline file: a path, or {@code classpath:} and a resource; the bundled one by default. */
    @ConfigProperty(name = "pulse.pipeline.file", defaultValue = PipelineLoader.BUNDLED)
    String location;

    @Produces
    @Singleton
    Pipeline pipeline() {
        return PipelineLoader.load(location);
    }

    void loadAtStartup(@Observes @Initialized(ApplicationScoped.class) Object started, Pipeline pipeline) {
        // Injecting the pipeline is the point: a broken file fails start-up instead of the first request.
    }
}
