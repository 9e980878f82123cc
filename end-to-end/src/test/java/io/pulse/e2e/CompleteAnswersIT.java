package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import io.pulse.stack.testing.RealShapedFrames;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every accepted event counts in its bucket, whatever its age or order: history uploaded unsorted, older events sent
 * after newer ones, and random ages in random request splits across a crash of the aggregation all give the answers
 * of a computation over every event sent.
 */
class CompleteAnswersIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonNode awaitUpload(String id) {
        JsonNode[] status = new JsonNode[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            status[0] = platform.client().uploadStatus(id);
            return !status[0].path("state").asText().equals("processing");
        });
        return status[0];
    }

    @Test
    void anUnsortedCsvOfThirtyYearsOfPlaysGivesExactTotalsPerSongAndDay() throws IOException {
        Random random = new Random(30);
        List<String> songs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            songs.add(i % 7 == 0 ? "Song, part " + i : "Song " + i);
        }
        LocalDate first = LocalDate.of(1995, 1, 1);
        List<String> rows = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>();
        String yearSong = songs.get(3);
        Map<String, Long> yearSongDays = new TreeMap<>();
        for (int i = 0; i < 3000; i++) {
            String song = songs.get(random.nextInt(songs.size()));
            LocalDate date = first.plusDays(random.nextInt(30 * 365));
            if (song.equals(yearSong) && random.nextInt(3) == 0) {
                date = LocalDate.of(2010, 1, 1).plusDays(random.nextInt(365)); // a year with many plays of one song
            }
            long plays = 1 + random.nextInt(100_000);
            rows.add((song.contains(",") ? "\"" + song + "\"" : song) + "," + date + "," + plays);
            totals.merge(song, plays, Long::sum);
            if (song.equals(yearSong) && date.getYear() == 2010) {
                // plays counts Lisbon days: a point at each Lisbon midnight, written with its offset
                yearSongDays.merge(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx")
                        .format(date.atStartOfDay(ZoneId.of("Europe/Lisbon"))), plays, Long::sum);
            }
        }
        Collections.shuffle(rows, random);
        Path file = platform.data().resolve("plays-30-years.csv");
        List<String> lines = new ArrayList<>(List.of("Song,Date,Number of Plays"));
        lines.addAll(rows);
        Files.write(file, lines);

        JsonNode status = awaitUpload(platform.client().upload("song_play", file, "text/csv"));
        assertThat(status.path("state").asText()).as(status.toString()).isEqualTo("done");
        assertThat(status.path("accepted").asLong()).isEqualTo(3000);
        assertThat(status.path("rejected").asLong()).isZero();

        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode top = platform.client().query("/v1/metrics/plays/top?agg=sum&k=100&from=1990-01-01&to=2030-01-01");
            Map<String, Long> answered = new TreeMap<>();
            for (JsonNode r : top.path("top")) {
                answered.put(r.path("group").path("Song").asText(), r.path("value").asLong());
            }
            assertThat(answered).isEqualTo(totals);
        });
        JsonNode year = platform.client().query("/v1/metrics/plays/series?agg=sum&step=1d&group_by=Song&where=Song:"
                + encoded(yearSong) + "&from=2010-01-01&to=2011-01-01");
        Map<String, Long> days = new TreeMap<>();
        long late = 0;
        for (JsonNode p : year.path("series").path(0).path("points")) {
            if (p.path("count").asLong() > 0) {
                days.put(p.path("ts").asText(), p.path("value").asLong());
                late += p.path("late").asLong();
            }
        }
        assertThat(days).isEqualTo(yearSongDays);
        assertThat(late).as("most of a shuffled history arrives after its days are final").isPositive();
    }

    @Test
    void framesOfTwoYearsAgoSentNewestHalfFirstGiveExactUniqueUsersPerMinute() throws Exception {
        Random random = new Random(2);
        Instant base = Instant.now().minus(Duration.ofDays(730)).truncatedTo(ChronoUnit.MINUTES);
        List<long[]> frames = new ArrayList<>(); // epoch second, user
        for (int i = 0; i < 4000; i++) {
            frames.add(new long[] {base.getEpochSecond() + random.nextInt(40 * 60), random.nextInt(300)});
        }
        frames.sort((a, b) -> Long.compare(a[0], b[0]));
        Map<String, Set<Long>> users = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (long[] f : frames) {
            String minute = Instant.ofEpochSecond(f[0]).truncatedTo(ChronoUnit.MINUTES).toString();
            users.computeIfAbsent(minute, m -> new HashSet<>()).add(f[1]);
            counts.merge(minute, 1L, Long::sum);
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            lines.add(frame(frames.get(i), i));
        }
        assertThat(lines.get(0)).startsWith("{\"ts\": " + frames.get(0)[0] + ", \"uid\": \"user-").hasSizeGreaterThan(1500);
        List<String> older = lines.subList(0, 2000);
        List<String> newer = lines.subList(2000, 4000);
        Path newest = platform.data().resolve("frames-newer.ndjson");
        Path oldest = platform.data().resolve("frames-older.ndjson");
        Files.writeString(newest, String.join(RealShapedFrames.LINE_END, newer) + RealShapedFrames.LINE_END);
        Files.writeString(oldest, String.join(RealShapedFrames.LINE_END, older) + RealShapedFrames.LINE_END);
        assertThat(platform.client().sendNdjson("frame", newest).path("accepted").asInt()).isEqualTo(2000);
        Thread.sleep(3000); // the newer half's minutes are published, and final, before the older half comes
        assertThat(platform.client().sendNdjson("frame", oldest).path("accepted").asInt()).isEqualTo(2000);

        String range = "&step=1m&from=" + base + "&to=" + base.plus(Duration.ofMinutes(40));
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Long> answeredCounts = new TreeMap<>();
            Map<String, Long> answeredUsers = new TreeMap<>();
            for (JsonNode p : platform.client().query("/v1/metrics/unique_users/series?agg=distinct" + range)
                    .path("series").path(0).path("points")) {
                if (p.path("count").asLong() > 0) {
                    answeredCounts.put(p.path("ts").asText(), p.path("count").asLong());
                    answeredUsers.put(p.path("ts").asText(), p.path("value").asLong());
                    assertThat(p.path("error").path("relative").asDouble()).isZero();
                }
            }
            assertThat(answeredCounts).isEqualTo(counts);
            assertThat(answeredUsers).isEqualTo(users.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().size(), (a, b) -> a, TreeMap::new)));
        });
    }

    /** A real-shaped frame (about 2 KB, nested and repeated keys) shown at {@code f[0]} to user {@code f[1]}. */
    private static String frame(long[] f, int n) {
        return RealShapedFrames.frame(n).replaceFirst("^\\{\"ts\": \\d+, \"uid\": \"[^\"]*\"",
                "{\"ts\": " + f[0] + ", \"uid\": \"user-" + f[1] + "\"");
    }

    private record Delivery(String id, String client, Instant ts, int duration) {
        String json() {
            return Json.writeString(Map.of("timestamp", TIMESTAMP.format(ts), "translation_id", id,
                    "client_name", client, "target_language", "fr", "duration", duration));
        }
    }

    /**
     * Deliveries of random ages (in order, minutes, hours, days and up to two years behind the newest) sent in
     * random splits as arrays and NDJSON with pauses, the aggregation killed half-way: series, moving windows, top-k
     * and quantiles answer as a computation over every delivery does, quantiles within their stated rank error.
     */
    @Test
    void randomAgesOrdersAndSplitsAcrossACrashGiveTheAnswersOfABruteForceComputation() throws Exception {
        Random random = new Random(15);
        Instant live = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.HOURS);
        List<Delivery> sent = new ArrayList<>();
        Instant newest = live;
        for (int i = 0; i < 6000; i++) {
            Instant ts = switch (random.nextInt(5)) {
                case 0, 1 -> newest.plusMillis(random.nextInt(2000));
                case 2 -> newest.minusSeconds(random.nextInt(20 * 60));
                case 3 -> live.minusSeconds(random.nextInt(2 * 86_400));
                default -> live.minus(Duration.ofDays(random.nextInt(730))).minusSeconds(random.nextInt(86_400));
            };
            newest = ts.isAfter(newest) ? ts : newest;
            sent.add(new Delivery("h-" + i, "client-" + random.nextInt(5), ts, 1 + random.nextInt(1000)));
        }
        int at = 0;
        boolean crashed = false;
        for (int request = 0; at < sent.size(); request++) {
            List<Delivery> part = sent.subList(at, Math.min(sent.size(), at + 1 + random.nextInt(400)));
            JsonNode answer;
            if (request % 2 == 0) {
                answer = platform.client().sendJson("translation_delivered",
                        part.stream().map(Delivery::json).collect(Collectors.joining(",", "[", "]")));
            } else {
                Path file = platform.data().resolve("deliveries-" + request + ".ndjson");
                Files.write(file, part.stream().map(Delivery::json).toList());
                answer = platform.client().sendNdjson("translation_delivered", file);
            }
            assertThat(answer.path("accepted").asInt()).as(answer.toString()).isEqualTo(part.size());
            at += part.size();
            if (random.nextInt(6) == 0) {
                Thread.sleep(200 + random.nextInt(1300));
            }
            if (!crashed && at > sent.size() / 2) {
                platform.stack().restart(Service.AGGREGATION, true, System.out);
                crashed = true;
            }
        }

        Instant from = live.minus(Duration.ofDays(735)).truncatedTo(ChronoUnit.DAYS);
        Instant to = newest.plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
        Map<String, List<Delivery>> byClient = sent.stream().collect(Collectors.groupingBy(Delivery::client));
        // top-k over everything: count, sum, min, max per client
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (String agg : List.of("count", "sum", "min", "max")) {
                JsonNode top = platform.client().query("/v1/metrics/delivery_time/top?k=10&agg=" + agg + "&from=" + from + "&to=" + to);
                Map<String, Double> answered = new TreeMap<>();
                for (JsonNode r : top.path("top")) {
                    answered.put(r.path("group").path("client_name").asText(), r.path("value").asDouble());
                }
                Map<String, Double> expected = new TreeMap<>();
                byClient.forEach((c, ds) -> expected.put(c, switch (agg) {
                    case "count" -> (double) ds.size();
                    case "sum" -> ds.stream().mapToDouble(Delivery::duration).sum();
                    case "min" -> ds.stream().mapToDouble(Delivery::duration).min().orElseThrow();
                    default -> ds.stream().mapToDouble(Delivery::duration).max().orElseThrow();
                }));
                assertThat(answered).as(agg).isEqualTo(expected);
            }
        });
        // a daily series per client over the two years: count and sum of each day
        for (String agg : List.of("count", "sum")) {
            JsonNode series = platform.client().query("/v1/metrics/delivery_time/series?step=1d&group_by=client_name&agg=" + agg
                    + "&from=" + from + "&to=" + to);
            Map<String, Double> answered = new TreeMap<>();
            for (JsonNode s : series.path("series")) {
                for (JsonNode p : s.path("points")) {
                    if (p.path("count").asLong() > 0) {
                        answered.put(s.path("group").path("client_name").asText() + "@" + p.path("ts").asText(),
                                p.path("value").asDouble());
                    }
                }
            }
            Map<String, Double> expected = sent.stream().collect(Collectors.groupingBy(
                    d -> d.client() + "@" + d.ts().truncatedTo(ChronoUnit.DAYS),
                    TreeMap::new, Collectors.summingDouble(d -> agg.equals("count") ? 1 : d.duration())));
            assertThat(answered).as("daily " + agg).isEqualTo(expected);
        }
        // minutes of the live hours: average per client and minute, and a 10-minute moving average of one client
        Instant liveEnd = newest.plusSeconds(60).truncatedTo(ChronoUnit.MINUTES);
        JsonNode minutes = platform.client().query("/v1/metrics/delivery_time/series?step=1m&group_by=client_name&agg=avg&from="
                + live + "&to=" + liveEnd);
        for (JsonNode s : minutes.path("series")) {
            String c = s.path("group").path("client_name").asText();
            for (JsonNode p : s.path("points")) {
                Instant ts = Instant.parse(p.path("ts").asText());
                List<Delivery> in = byClient.get(c).stream()
                        .filter(d -> !d.ts().isBefore(ts) && d.ts().isBefore(ts.plusSeconds(60))).toList();
                assertThat(p.path("count").asLong()).as(c + "@" + ts).isEqualTo(in.size());
                if (!in.isEmpty()) {
                    assertThat(p.path("value").asDouble()).as(c + "@" + ts)
                            .isCloseTo(in.stream().mapToDouble(Delivery::duration).average().orElseThrow(), within(1e-9));
                }
            }
        }
        JsonNode moving = platform.client().query("/v1/metrics/delivery_time/moving?window=10m&step=1m&agg=avg&where=client_name:client-0"
                + "&from=" + live.plus(Duration.ofMinutes(10)) + "&to=" + liveEnd);
        for (JsonNode p : moving.path("series").path(0).path("points")) {
            Instant ts = Instant.parse(p.path("ts").asText());
            List<Delivery> in = byClient.get("client-0").stream()
                    .filter(d -> !d.ts().isBefore(ts.minus(Duration.ofMinutes(10))) && d.ts().isBefore(ts)).toList();
            assertThat(p.path("count").asLong()).as("moving @" + ts).isEqualTo(in.size());
            if (!in.isEmpty()) {
                assertThat(p.path("value").asDouble()).isCloseTo(in.stream().mapToDouble(Delivery::duration).average()
                        .orElseThrow(), within(1e-9));
            }
        }
        // p50 and p99 of each client over everything, within the rank error each point states
        for (String agg : List.of("p50", "p99")) {
            double q = agg.equals("p50") ? 0.5 : 0.99;
            JsonNode series = platform.client().query("/v1/metrics/delivery_time/series?group_by=client_name&agg=" + agg
                    + "&step=" + Duration.between(from, to).toDays() + "d&from=" + from + "&to=" + to);
            for (JsonNode s : series.path("series")) {
                JsonNode p = s.path("points").path(0);
                double[] values = byClient.get(s.path("group").path("client_name").asText()).stream()
                        .mapToDouble(Delivery::duration).sorted().toArray();
                double value = p.path("value").asDouble();
                double rankError = p.path("error").path("rank").asDouble();
                long below = java.util.Arrays.stream(values).filter(v -> v < value).count();
                long atMost = java.util.Arrays.stream(values).filter(v -> v <= value).count();
                assertThat(below / (double) values.length).as(agg).isLessThanOrEqualTo(q + rankError + 1e-9);
                assertThat(atMost / (double) values.length).as(agg).isGreaterThanOrEqualTo(q - rankError - 1e-9);
            }
        }
        // the points say some of their events came late, and that their buckets were revised
        long late = 0;
        boolean revised = false;
        JsonNode daily = platform.client().query("/v1/metrics/delivery_time/series?step=1d&agg=count&from=" + from + "&to=" + to);
        for (JsonNode p : daily.path("series").path(0).path("points")) {
            late += p.path("late").asLong();
            revised |= p.path("revised").asBoolean();
        }
        assertThat(late).isPositive();
        assertThat(revised).isTrue();
    }
}
