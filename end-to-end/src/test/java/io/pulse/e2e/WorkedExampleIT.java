package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.pipeline.PipelineLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole platform as users run it: the three packaged services as separate processes, a real broker and a real
 * PostgreSQL, started by the same code as {@code ./pulse up}. The sample file goes in over HTTP and the README's
 * worked example must come out of the query API exactly.
 */
class WorkedExampleIT {

    private static final Path HOME = TestStacks.HOME;

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void sampleEventsGiveTheDesignsMovingAverage() {
        JsonNode sent = platform.client().sendNdjson("translation_delivered", HOME.resolve("samples/translations.ndjson"));
        assertThat(sent.path("accepted").asInt()).isEqualTo(3);
        assertThat(sent.path("rejected").asInt()).isZero();

        // From the README: 18:11 no data; 18:12–18:15 20; 18:16–18:21 25.5; 18:22–18:23 31; 18:24 42.5.
        List<Double> expected = new ArrayList<>();
        expected.add(null);
        expected.addAll(Arrays.asList(20.0, 20.0, 20.0, 20.0, 25.5, 25.5, 25.5, 25.5, 25.5, 25.5, 31.0, 31.0, 42.5));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode answer = platform.client().query("/v1/metrics/delivery_time/moving?window=10m&step=1m&agg=avg"
                    + "&from=2018-12-26T18:11:00Z&to=2018-12-26T18:25:00Z");
            List<Double> values = new ArrayList<>();
            List<String> times = new ArrayList<>();
            for (JsonNode p : answer.path("series").path(0).path("points")) {
                values.add(p.path("value").isNull() ? null : p.path("value").asDouble());
                times.add(p.path("ts").asText());
            }
            assertThat(values).containsExactlyElementsOf(expected);
            assertThat(times.get(0)).isEqualTo("2018-12-26T18:11:00Z");
            assertThat(times.get(13)).isEqualTo("2018-12-26T18:24:00Z");
        });

        // Without from and to the answer spans the platform.data(), one step past the last event.
        JsonNode defaults = platform.client().query("/v1/metrics/delivery_time/moving?window=10m&step=1m&agg=avg");
        assertThat(defaults.path("from").asText()).isEqualTo("2018-12-26T18:11:00Z");
        assertThat(defaults.path("to").asText()).isEqualTo("2018-12-26T18:25:00Z");
    }
}
