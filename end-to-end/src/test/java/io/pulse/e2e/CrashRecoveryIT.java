package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.LocalStack;
import io.pulse.stack.Ports;
import io.pulse.stack.StackConfig;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across crashes: 100,000 events go in while the aggregation service is killed with SIGKILL twice and
 * restarted; the final buckets must equal an independent computation over the raw events exactly.
 */
class CrashRecoveryIT {

    private static final int EVENTS = 100_000;
    private static final int CHUNKS = 10;
    private static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path data;

    private static LocalStack stack;
    private static PulseClient client;

    @BeforeAll
    static void start() {
        int kafka = Ports.free();
        while (!Ports.isFree(kafka + 1)) {
            kafka = Ports.free();
        }
        // Read in place: its schema path is relative to it.
        String pipeline = HOME.resolve("end-to-end/src/test/resources/crash-pipeline.yaml").toString();
        stack = LocalStack.start(new StackConfig(HOME, data, pipeline, 2, kafka, Ports.free(), Ports.free(),
                Ports.free(), Ports.free(), Set.of()), System.out);
        client = new PulseClient(stack.url(Service.INGEST), stack.url(Service.QUERY));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private record Event(String id, String client, String language, Instant ts, int duration) {
        String json() {
            return Json.writeString(Map.of("timestamp", TIMESTAMP.format(ts), "translation_id", id,
                    "client_name", client, "target_language", language, "duration", duration));
        }
    }

    private record Expected(long count, double sum, double min, double max, Set<String> languages) {
    }

    @Test
    void bucketsAfterTwoCrashesEqualAComputationOverTheRawEvents() throws IOException {
        Random random = new Random(5);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(new Event("t-" + i, "client-" + random.nextInt(20), List.of("fr", "de", "pt", "es").get(random.nextInt(4)),
                    FIRST.plusMillis(i * 50L), 1 + random.nextInt(1000)));
        }
        int chunk = EVENTS / CHUNKS;
        for (int c = 0; c < CHUNKS; c++) {
            Path file = data.resolve("chunk-" + c + ".ndjson");
            Files.write(file, events.subList(c * chunk, (c + 1) * chunk).stream().map(Event::json).toList());
            JsonNode sent = client.sendNdjson("translation_delivered", file);
            assertThat(sent.path("accepted").asInt()).as(sent.toString()).isEqualTo(chunk);
            if (c == 3 || c == 7) {
                // Mid-stream: the service is still working through what was just sent.
                stack.restart(Service.AGGREGATION, true, System.out);
            }
        }

        Map<String, Expected> expected = new HashMap<>();
        for (Event e : events) {
            String key = e.client() + "@" + e.ts().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            Expected x = expected.get(key);
            Set<String> languages = x == null ? new HashSet<>() : x.languages();
            languages.add(e.language());
            expected.put(key, x == null ? new Expected(1, e.duration(), e.duration(), e.duration(), languages)
                    : new Expected(x.count() + 1, x.sum() + e.duration(), Math.min(x.min(), e.duration()),
                    Math.max(x.max(), e.duration()), languages));
        }

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> total("count") == EVENTS);
        for (String agg : List.of("count", "sum", "min", "max")) {
            Map<String, Double> actual = byClientAndMinute("delivery_time", agg);
            assertThat(actual).as(agg).hasSameSizeAs(expected);
            expected.forEach((key, x) -> {
                double want = switch (agg) {
                    case "count" -> x.count();
                    case "sum" -> x.sum();
                    case "min" -> x.min();
                    default -> x.max();
                };
                assertThat(actual.get(key)).as(agg + " " + key).isCloseTo(want, within(1e-6));
            });
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Double> distinct = byClientAndMinute("languages", "distinct");
            assertThat(distinct).hasSameSizeAs(expected);
            expected.forEach((key, x) -> assertThat(distinct.get(key)).as(key).isEqualTo((double) x.languages().size()));
        });
    }

    private static long total(String agg) {
        JsonNode answer = client.query("/v1/metrics/delivery_time/series?agg=" + agg + "&step=1d&from=2024-01-01&to=2024-01-02");
        long total = 0;
        for (JsonNode p : answer.path("series").path(0).path("points")) {
            total += p.path("count").asLong();
        }
        return total;
    }

    private static Map<String, Double> byClientAndMinute(String metric, String agg) {
        JsonNode answer = client.query("/v1/metrics/" + metric + "/series?agg=" + agg
                + "&step=1m&group_by=client_name&from=2024-01-01T00:00:00Z&to=2024-01-01T02:00:00Z");
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode series : answer.path("series")) {
            String c = series.path("group").path("client_name").asText();
            for (JsonNode p : series.path("points")) {
                if (p.path("count").asLong() > 0) {
                    values.put(c + "@" + p.path("ts").asText(), p.path("value").asDouble());
                }
            }
        }
        return values;
    }
}
