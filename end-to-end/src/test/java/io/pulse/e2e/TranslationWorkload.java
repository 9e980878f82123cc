package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.client.PulseClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Generated translation events in event-time order (20 clients, 50 ms apart from 2024-01-01), sent in NDJSON chunks,
 * and the buckets they must give, computed here from the raw events without any Pulse code.
 */
final class TranslationWorkload {

    static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    record Event(String id, String client, String language, Instant ts, int duration) {
        String json() {
            return Json.writeString(Map.of("timestamp", TIMESTAMP.format(ts), "translation_id", id,
                    "client_name", client, "target_language", language, "duration", duration));
        }
    }

    record Expected(long count, double sum, double min, double max, Set<String> languages) {
    }

    final List<Event> events = new ArrayList<>();

    TranslationWorkload(int size, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            events.add(new Event("t-" + i, "client-" + random.nextInt(20),
                    List.of("fr", "de", "pt", "es").get(random.nextInt(4)), FIRST.plusMillis(i * 50L), 1 + random.nextInt(1000)));
        }
    }

    /** Sends the events in chunks; {@code afterChunk} runs after each chunk was accepted. */
    void send(PulseClient client, Path dir, int chunks, IntConsumer afterChunk) {
        int chunk = events.size() / chunks;
        for (int c = 0; c < chunks; c++) {
            Path file = dir.resolve("chunk-" + c + ".ndjson");
            try {
                Files.write(file, events.subList(c * chunk, (c + 1) * chunk).stream().map(Event::json).toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode sent = client.sendNdjson("translation_delivered", file);
            assertThat(sent.path("accepted").asInt()).as(sent.toString()).isEqualTo(chunk);
            afterChunk.accept(c);
        }
    }

    /** By "client@minute". */
    Map<String, Expected> expected() {
        Map<String, Expected> expected = new HashMap<>();
        for (Event e : events) {
            String key = e.client() + "@" + e.ts().truncatedTo(ChronoUnit.MINUTES);
            Expected x = expected.get(key);
            Set<String> languages = x == null ? new HashSet<>() : x.languages();
            languages.add(e.language());
            expected.put(key, x == null ? new Expected(1, e.duration(), e.duration(), e.duration(), languages)
                    : new Expected(x.count() + 1, x.sum() + e.duration(), Math.min(x.min(), e.duration()),
                    Math.max(x.max(), e.duration()), languages));
        }
        return expected;
    }

    /** Events counted by the query API for delivery_time on the workload's day. */
    static long counted(PulseClient client) {
        JsonNode answer = client.query("/v1/metrics/delivery_time/series?agg=count&step=1d&from=2024-01-01&to=2024-01-02");
        long total = 0;
        for (JsonNode p : answer.path("series").path(0).path("points")) {
            total += p.path("count").asLong();
        }
        return total;
    }

    /** Every delivery_time bucket's count, sum, min and max equal the computation over the raw events. */
    void assertDeliveryTimeBuckets(PulseClient client) {
        Map<String, Expected> expected = expected();
        for (String agg : List.of("count", "sum", "min", "max")) {
            Map<String, Double> actual = byClientAndMinute(client, "delivery_time", agg);
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
    }

    static Map<String, Double> byClientAndMinute(PulseClient client, String metric, String agg) {
        return byGroupAndMinute(client, metric, agg, "client_name");
    }

    /** By "value of the group field@minute", as the query API answers for a metric grouped by that field. */
    static Map<String, Double> byGroupAndMinute(PulseClient client, String metric, String agg, String field) {
        JsonNode answer = client.query("/v1/metrics/" + metric + "/series?agg=" + agg
                + "&step=1m&group_by=" + field + "&from=2024-01-01T00:00:00Z&to=2024-01-01T04:00:00Z");
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode series : answer.path("series")) {
            String c = series.path("group").path(field).asText();
            for (JsonNode p : series.path("points")) {
                if (p.path("count").asLong() > 0) {
                    values.put(c + "@" + p.path("ts").asText(), p.path("value").asDouble());
                }
            }
        }
        return values;
    }
}
