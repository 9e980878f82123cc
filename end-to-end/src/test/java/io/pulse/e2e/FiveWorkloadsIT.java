package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled pipeline's workloads on the packaged stack: each sample goes in as users send it (CSV through
 * uploads, NDJSON through events) and each domain's answer must equal what this test computes from the raw file.
 */
class FiveWorkloadsIT {

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path SAMPLES = TestStacks.HOME.resolve("samples");
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    /** Uploads a CSV file and waits for the upload to be read; answers its final status. */
    private static JsonNode upload(String type, Path file) throws IOException, InterruptedException {
        String ingest = platform.stack().url(Service.INGEST);
        HttpResponse<String> sent = HTTP.send(TestStacks.request(URI.create(ingest + "/v1/uploads/" + type))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String id = Json.read(sent.body(), JsonNode.class).path("upload_id").asText();
        JsonNode[] status = new JsonNode[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            String body = HTTP.send(TestStacks.request(URI.create(ingest + "/v1/uploads/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            status[0] = Json.read(body, JsonNode.class);
            return !status[0].path("state").asText().equals("processing");
        });
        return status[0];
    }

    /** The rows of a CSV file after its header; a quoted cell may hold commas. */
    private static List<List<String>> csv(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        Pattern cell = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([^,]*)");
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = new ArrayList<>();
            Matcher m = cell.matcher(line);
            int at = 0;
            while (at <= line.length() && m.find(at)) {
                cells.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
                at = m.end() + 1;
            }
            rows.add(cells);
        }
        return rows;
    }

    /** {group value → {ts → value}} of a series answer grouped by one field. */
    private static Map<String, Map<String, Double>> byGroup(JsonNode answer, String field) {
        Map<String, Map<String, Double>> result = new TreeMap<>();
        for (JsonNode series : answer.path("series")) {
            Map<String, Double> points = new TreeMap<>();
            for (JsonNode p : series.path("points")) {
                if (!p.path("value").isNull()) {
                    points.put(p.path("ts").asText(), p.path("value").asDouble());
                }
            }
            result.put(field == null ? "" : series.path("group").path(field).asText(), points);
        }
        return result;
    }

    @Test
    void uniqueUsersPerMinuteCountLateFramesInTheirMinute() throws IOException {
        JsonNode sent = platform.client().sendNdjson("frame", SAMPLES.resolve("frames.ndjson"));
        assertThat(sent.path("rejected").asInt()).isZero();
        List<String> frames = Files.readAllLines(SAMPLES.resolve("frames.ndjson"));
        Map<String, Set<String>> users = new TreeMap<>();
        for (String line : frames) {
            JsonNode f = Json.read(line, JsonNode.class);
            String minute = Instant.ofEpochSecond(f.path("ts").asLong() / 60 * 60).toString();
            users.computeIfAbsent(minute, m -> new TreeSet<>()).add(f.path("uid").asText());
        }
        Map<String, Double> expected = new TreeMap<>();
        users.forEach((minute, uids) -> expected.put(minute, (double) uids.size()));
        assertThat(sent.path("accepted").asInt()).isEqualTo(frames.size());
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(byGroup(platform.client().query("/v1/metrics/unique_users/series?agg=distinct&step=1m"), null).get(""))
                        .isEqualTo(expected));
    }

    @Test
    void playsPerSongPerDateComeOutAsCsv() throws Exception {
        JsonNode status = upload("song_play", SAMPLES.resolve("song_plays.csv"));
        List<List<String>> rows = csv(SAMPLES.resolve("song_plays.csv"));
        assertThat(status.path("state").asText()).isEqualTo("done");
        assertThat(status.path("accepted").asInt()).isEqualTo(rows.size());
        // Lisbon dates, counted in Lisbon days: each point at a Lisbon midnight, written with its offset
        DateTimeFormatter local = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
        Map<String, Map<String, Double>> expected = new TreeMap<>();
        for (List<String> row : rows) {
            expected.computeIfAbsent(row.get(0), s -> new TreeMap<>()).merge(
                    local.format(LocalDate.parse(row.get(1)).atStartOfDay(ZoneId.of("Europe/Lisbon"))),
                    Double.parseDouble(row.get(2)), Double::sum);
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(byGroup(
                platform.client().query("/v1/metrics/plays/series?agg=sum&step=1d&group_by=Song"), "Song")).isEqualTo(expected));
        String exported = HTTP.send(TestStacks.request(URI.create(platform.stack().url(Service.QUERY)
                        + "/v1/metrics/plays/series?agg=sum&step=1d&group_by=Song")).header("Accept", "text/csv").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(exported.lines().findFirst()).contains("ts,Song,value,count,late,revised");
        for (var song : expected.entrySet()) {
            for (var day : song.getValue().entrySet()) {
                String name = song.getKey().contains(",") ? "\"" + song.getKey() + "\"" : song.getKey();
                assertThat(exported).contains(day.getKey() + "," + name + "," + Math.round(day.getValue()) + ",");
            }
        }
    }

    @Test
    void weeklyTripsPerRegionInsideABoundingBox() throws Exception {
        JsonNode status = upload("trip", SAMPLES.resolve("trips.csv"));
        List<List<String>> rows = csv(SAMPLES.resolve("trips.csv"));
        assertThat(status.path("accepted").asInt()).isEqualTo(rows.size());
        // Geohash precision 5 is 25 bits: 13 for longitude, 12 for latitude, so cells are 360/2^13 by 180/2^12
        // degrees. A box whose edges lie on cell edges (max edges just inside) is matched exactly by its cells, so
        // the answer must count exactly the trips whose origin lies in [west, east) x [south, north).
        double cell = 360.0 / 8192;
        double west = -180 + Math.ceil((14.40 + 180) / cell) * cell;
        double east = -180 + Math.floor((14.56 + 180) / cell) * cell;
        double south = -90 + Math.ceil((50.00 + 90) / cell) * cell;
        double north = -90 + Math.floor((50.10 + 90) / cell) * cell;
        Pattern point = Pattern.compile("POINT \\((\\S+) (\\S+)\\)");
        Map<String, Map<String, Double>> expected = new TreeMap<>();
        for (List<String> row : rows) {
            Matcher m = point.matcher(row.get(1));
            assertThat(m.matches()).isTrue();
            double lon = Double.parseDouble(m.group(1));
            double lat = Double.parseDouble(m.group(2));
            if (lon >= west && lon < east && lat >= south && lat < north) {
                // ISO weeks: from Monday, in UTC as the metric's days
                LocalDate day = LocalDateTime.parse(row.get(3).replace(' ', 'T')).toLocalDate();
                String week = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC)
                        .toInstant().toString();
                expected.computeIfAbsent(row.get(0), r -> new TreeMap<>()).merge(week, 1.0, Double::sum);
            }
        }
        assertThat(expected.keySet()).containsExactly("Prague");
        String bbox = "origin_cell:bbox(" + west + "," + south + "," + (east - 1e-9) + "," + (north - 1e-9) + ")";
        String query = "/v1/metrics/trips/series?agg=count&step=1w&group_by=region&from=2018-05-21&to=2018-06-18&where=" + bbox;
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(byGroup(platform.client().query(query), "region")).isEqualTo(expected));
        JsonNode answer = platform.client().query(query);
        assertThat(answer.path("filter").path(0).path("note").asText()).startsWith("exact at cell resolution");
        assertThat(answer.path("filter").path(0).path("precision").asInt()).isEqualTo(5);
        long cells = Math.round((east - west) / cell) * Math.round((north - south) / cell);
        assertThat(answer.path("filter").path(0).path("cells").asLong()).isEqualTo(cells);

        // A point that is not a point refuses the trip at its field.
        JsonNode refused = platform.client().sendJson("trip", "{\"region\": \"Prague\", \"origin_coord\": \"POINT (14.5)\","
                + " \"destination_coord\": \"POINT (14.4 50.0)\", \"datetime\": \"2018-05-28 09:03:40\"}");
        assertThat(refused.path("rejected").asInt()).isEqualTo(1);
        assertThat(refused.path("errors").path(0).path("errors").path(0).path("field").asText()).isEqualTo("/origin_coord");
    }

    /**
     * samples/similar-trips.csv holds commutes repeated over a week of June 2018 among single trips. The groups and
     * counts were found by a count over the file outside Pulse (geohash of each point at precision 5, hour of the
     * datetime); the trips of samples/trips.csv in the same week, which another test sends, are each alone in theirs.
     */
    @Test
    void theLargestGroupsOfSimilarTrips() throws Exception {
        JsonNode status = upload("trip", SAMPLES.resolve("similar-trips.csv"));
        assertThat(status.path("accepted").asInt()).isEqualTo(24);
        Map<String, Integer> expected = Map.of(
                "Prague u2fk9 u2fkb 8", 6,
                "Hamburg u1x09 u1x0e 7", 4,
                "Prague u2fkb u2fk9 17", 3,
                "Turin u0j2m u0j2q 8", 3,
                "Hamburg u1x09 u1x0e 9", 2);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode top = platform.client().query("/v1/metrics/similar_trips/top?from=2018-06-04&to=2018-06-11&k=5").path("top");
            Map<String, Integer> ranked = new TreeMap<>();
            List<Integer> counts = new ArrayList<>();
            for (JsonNode entry : top) {
                JsonNode g = entry.path("group");
                ranked.put(g.path("region").asText() + " " + g.path("origin_cell").asText() + " "
                        + g.path("destination_cell").asText() + " " + g.path("hour_of_day").asText(), entry.path("count").asInt());
                counts.add(entry.path("count").asInt());
            }
            assertThat(ranked).isEqualTo(expected);
            assertThat(counts).containsExactly(6, 4, 3, 3, 2);
        });
    }

    /** The NWS heat index (wpc.ncep.noaa.gov/html/heatindex_equation.shtml), written out here to check the service. */
    private static double nwsHeatIndex(double t, double rh) {
        double simple = 0.5 * (t + 61.0 + ((t - 68.0) * 1.2) + (rh * 0.094));
        if ((simple + t) / 2 < 80) {
            return simple;
        }
        double hi = -42.379 + 2.04901523 * t + 10.14333127 * rh - .22475541 * t * rh - .00683783 * t * t
                - .05481717 * rh * rh + .00122874 * t * t * rh + .00085282 * t * rh * rh - .00000199 * t * t * rh * rh;
        if (rh < 13 && t >= 80 && t <= 112) {
            hi = hi - ((13 - rh) / 4) * Math.sqrt((17 - Math.abs(t - 95.0)) / 17);
        }
        if (rh > 85 && t >= 80 && t <= 87) {
            hi = hi + ((rh - 85) / 10) * ((87 - t) / 5);
        }
        return hi;
    }

    @Test
    void heatIndexPerCityPerHour() throws IOException {
        JsonNode sent = platform.client().sendNdjson("weather_reading", SAMPLES.resolve("weather.ndjson"));
        List<String> lines = Files.readAllLines(SAMPLES.resolve("weather.ndjson"));
        assertThat(sent.path("accepted").asInt()).isEqualTo(lines.size());
        Map<String, Map<String, double[]>> sums = new TreeMap<>();
        for (String line : lines) {
            JsonNode r = Json.read(line, JsonNode.class);
            Instant t = Instant.parse(r.path("timestamp").asText());
            String hour = Instant.ofEpochSecond(t.getEpochSecond() / 3600 * 3600).toString();
            double[] s = sums.computeIfAbsent(r.path("city").asText(), c -> new TreeMap<>())
                    .computeIfAbsent(hour, h -> new double[2]);
            s[0] += nwsHeatIndex(r.path("temperature").asDouble(), r.path("humidity").asDouble());
            s[1]++;
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Map<String, Double>> got = byGroup(
                    platform.client().query("/v1/metrics/heat_index/series?agg=avg&step=1h&group_by=city"), "city");
            assertThat(got.keySet()).isEqualTo(sums.keySet());
            sums.forEach((city, hours) -> {
                assertThat(got.get(city).keySet()).isEqualTo(hours.keySet());
                hours.forEach((hour, s) -> assertThat(got.get(city).get(hour)).as("%s %s", city, hour)
                        .isCloseTo(s[0] / s[1], within(1e-9)));
            });
        });
    }
}
