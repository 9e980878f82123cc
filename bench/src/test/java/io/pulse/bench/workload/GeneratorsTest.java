package io.pulse.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"translation_delivered", "frame", "trip", "weather_reading", "song_play"})
    void theSameSeedGivesTheSameEventsAndEveryEventIsExpectedOnce(String type) {
        Workload workload = Workloads.byType(type);
        Generated first = workload.generate(5_000, 7);
        Generated again = workload.generate(5_000, 7);
        assertThat(first.size()).isEqualTo(5_000);
        IntStream.range(0, 5_000).forEach(i -> assertThat(again.lines().get(i)).isEqualTo(first.lines().get(i)));
        assertThat(first.expected().countsByBucket().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5_000);
        assertThat(workload.generate(5_000, 8).lines().get(0)).isNotEqualTo(first.lines().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"translation_delivered", "frame", "trip", "weather_reading", "song_play"})
    void aWarmUpEndsMoreThanAnyAllowedLatenessBeforeTheMeasuredEvents(String type) {
        Workload workload = Workloads.byType(type);
        Generated measured = workload.generate(5_000, 7);
        Generated warmUp = workload.generate(5_000, 8, Duration.ofDays(500));
        long lastWarmUp = Arrays.stream(warmUp.eventTimes()).max().orElseThrow();
        long firstMeasured = Arrays.stream(measured.eventTimes()).min().orElseThrow();
        // the pipeline's largest allowed lateness is 31 days: no warm-up event shares or reopens a measured bucket
        assertThat(firstMeasured - lastWarmUp).isGreaterThan(Duration.ofDays(31).toMillis());
        // the lines carry the earlier times too, not only the bench's record of them
        assertThat(workload.generate(5_000, 7, Duration.ofDays(500)).lines().get(0)).isNotEqualTo(measured.lines().get(0));
        assertThat(warmUp.expected().countsByBucket().lastKey()).isLessThan(firstMeasured);
    }

    @Test
    void translationsCarryTheContractFieldsAndSumTheirDurations() throws Exception {
        Generated g = new Translations().generate(1_000, 1);
        double sum = 0;
        for (byte[] line : g.lines()) {
            JsonNode event = Json.MAPPER.readTree(line);
            assertThat(event.fieldNames()).toIterable().containsExactly("timestamp", "translation_id", "source_language",
                    "target_language", "client_name", "event_name", "nr_words", "duration");
            assertThat(event.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
            sum += event.path("duration").asDouble();
        }
        double expected = g.expected().groups().values().stream().flatMap(b -> b.values().stream())
                .mapToDouble(c -> c.value("sum")).sum();
        assertThat(expected).isEqualTo(sum);
    }

    @Test
    void tripsAreCsvWithPointsAndTheirOriginCell() {
        Generated g = new Trips().generate(100, 3);
        assertThat(g.header()).isEqualTo("region,origin_coord,destination_coord,datetime,datasource");
        String row = new String(g.lines().get(0), StandardCharsets.UTF_8);
        assertThat(row).matches("(Prague|Turin|Hamburg),POINT \\(\\S+ \\S+\\),POINT \\(\\S+ \\S+\\),\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\w+");
        String[] origin = row.split(",")[1].replace("POINT (", "").replace(")", "").split(" ");
        String cell = Geohash.of(Double.parseDouble(origin[0]), Double.parseDouble(origin[1]), 5);
        assertThat(g.expected().groups().keySet()).anyMatch(group -> group.get(1).equals(cell));
    }

    @Test
    void frameEventsAreMostlyInOrderWithSomeSecondsLate() {
        Generated g = new Frames().generate(20_000, 5);
        long late = IntStream.range(1, g.size()).filter(i -> g.eventTimes()[i] < g.eventTimes()[i - 1]).count();
        assertThat(late).isBetween(100L, 1_000L);
        long latest = 0;
        for (long t : g.eventTimes()) {
            assertThat(latest - t).isLessThanOrEqualTo(21_000); // never more than 20 s behind the newest
            latest = Math.max(latest, t);
        }
    }

    @Test
    void bodiesHoldTheHeaderOnceAndEveryLine() {
        Generated g = new SongPlays().generate(10, 2);
        String body = new String(g.body(2, 5), StandardCharsets.UTF_8);
        assertThat(body.split("\n")).containsExactly("Song,Date,Number of Plays", new String(g.lines().get(2), StandardCharsets.UTF_8),
                new String(g.lines().get(3), StandardCharsets.UTF_8), new String(g.lines().get(4), StandardCharsets.UTF_8));
    }
}
