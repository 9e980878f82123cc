package io.pulse.common.pipeline;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Keeps the pipeline file's model for reflection in a native image of every service: Jackson reads
 * {@code pulse.yaml} into these records through reflection. Quarkus finds this registration through common's
 * Jandex index, so no service repeats it.
 */
@RegisterForReflection(targets = {PipelineFile.class, PipelineFile.EventTypeEntry.class,
        PipelineFile.TimestampEntry.class, PipelineFile.MetricEntry.class})
final class PipelineReflection {

    private PipelineReflection() {
    }
}
