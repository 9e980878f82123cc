package io.pulse.aggregation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pulse.common.pipeline.PipelineLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The names of the stores and internal topics are part of the state format: a changelog or repartition topic is
 * found again by its name after an upgrade. Any change to them shows here first.
 */
class StateNamesTest {

    @Test
    void theBundledPipelinesStoresAndInternalTopicsKeepTheirNames() {
        var topology = new MetricsTopology(PipelineLoader.load(PipelineLoader.BUNDLED),
                new TopologySettings(Duration.ofMillis(500), Duration.ofHours(1), Duration.ofMinutes(5)),
                Clock.systemUTC(), new SimpleMeterRegistry()).build();
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                } else if (node instanceof TopologyDescription.Source s && s.topicSet() != null) {
                    s.topicSet().stream().filter(t -> t.endsWith("-repartition")).forEach(topics::add);
                }
            }
        }
        // unique_users publishes to a sink topic: its last published buckets are kept too.
        Set<String> expected = new TreeSet<>(Set.of("translation_delivered-seen-id-slots", "unique_users-sink-published"));
        for (String metric : new String[] {"delivery_time", "unique_users", "plays", "trips", "heat_index"}) {
            expected.addAll(Set.of(metric + "-buckets", metric + "-changed", metric + "-revisions",
                    metric + "-source-clocks"));
        }
        assertThat(stores).containsAll(expected);
        assertThat(stores).allMatch(s -> expected.contains(s) || s.endsWith("-buckets") || s.endsWith("-changed")
                || s.endsWith("-revisions") || s.endsWith("-source-clocks"));
        assertThat(topics).containsExactly("unique_users-by-group-repartition");
    }
}
