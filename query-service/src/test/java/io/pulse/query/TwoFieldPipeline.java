package io.pulse.query;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The query service with a pipeline whose metric {@code spend} is grouped by two fields ({@code shop},
 * {@code country}) and keeps every kind of aggregation, and with heartbeats every second.
 */
public class TwoFieldPipeline implements QuarkusTestProfile {

    public static final String METRIC = "spend";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pulse.pipeline.file", "classpath:two-fields-pipeline.yaml",
                "pulse.query.live-heartbeat", "1s");
    }
}
