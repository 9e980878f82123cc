package io.pulse.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.pulse.stack.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exports over real HTTP from buckets on the real aggregates topic stored in a real PostgreSQL. The plays are the
 * song-plays sample (samples/song_plays.csv) moved to March 2031, a range no other test writes: Hey Jude 123, 98 + 7;
 * Let It Be 87, 110, 5; Ob-La-Di, Ob-La-Da 45, nothing, 60.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ExportResourceTest {

    private static final String PLAYS = "/v1/metrics/plays/export";
    private static final String DAYS = "from=2031-03-01&to=2031-03-04";
    /** A larger export, written straight into the bucket table, for clients that stop reading or leave. */
    private static final LocalDate BIG_FROM = LocalDate.parse("2040-01-01");
    private static final int BIG_SONGS = 500;
    private static final int BIG_DAYS = 800;
    private static final String BIG = PLAYS + "?agg=sum&step=1d&group_by=Song&from=" + BIG_FROM + "&to="
            + BIG_FROM.plusDays(BIG_DAYS);
    /** Plays of two songs over months of 31, 29 (2032 is a leap year) and 30 days, for steps of the calendar. */
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    private static final LocalDate CALENDAR_FROM = LocalDate.parse("2032-01-20");
    private static final LocalDate CALENDAR_TO = LocalDate.parse("2032-04-11");
    private static final List<String> CALENDAR_SONGS = List.of("Across the Universe", "Yesterday");
    private static final String CALENDAR_WHERE = "&group_by=Song&where=Song:Across the Universe|Yesterday";
    private static final List<Play> CALENDAR_PLAYS = calendarPlays();
    private static boolean published;
    private static boolean bigStored;

    /** One play event: a song on a date, played {@code value} times. */
    private record Play(String song, LocalDate date, int value) {
    }

    /** 0 to 4 play events a song and date, of 10 to 22 plays each. */
    private static List<Play> calendarPlays() {
        List<Play> plays = new ArrayList<>();
        int i = 0;
        for (LocalDate d = CALENDAR_FROM; d.isBefore(CALENDAR_TO); d = d.plusDays(1), i++) {
            for (String song : CALENDAR_SONGS) {
                int events = (i * 7 + song.length()) % 5;
                for (int k = 0; k < events; k++) {
                    plays.add(new Play(song, d, 10 + (i + k) % 13));
                }
            }
        }
        return plays;
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    @Inject
    Pipeline pipeline;

    @BeforeEach
    void publishOnce() throws Exception {
        if (published) {
            return;
        }
        Instant at = Instant.parse("2031-03-10T00:00:00Z");
        List<BucketUpdate> updates = new ArrayList<>(List.of(
                play("Hey Jude", "2031-03-01", Bucket.EMPTY.add(123), at),
                play("Let It Be", "2031-03-01", Bucket.EMPTY.add(87), at),
                play("Ob-La-Di, Ob-La-Da", "2031-03-01", Bucket.EMPTY.add(45), at),
                play("Hey Jude", "2031-03-02", Bucket.EMPTY.add(98).add(7), at),
                play("Let It Be", "2031-03-02", Bucket.EMPTY.add(110), at),
                play("Ob-La-Di, Ob-La-Da", "2031-03-03", Bucket.EMPTY.add(60), at),
                play("Let It Be", "2031-03-03", Bucket.EMPTY.add(5), at)));
        // Users a, b in one minute and b, c in the next: 3 distinct over both, not 4.
        Metric users = pipeline.metric("unique_users").orElseThrow();
        Instant minute = Instant.parse("2031-03-01T10:00:00Z");
        updates.add(new BucketUpdate("unique_users", new TreeMap<>(), minute, minute.plusSeconds(60),
                Bucket.empty(users).add(null, "a").add(null, "b"), false, at));
        updates.add(new BucketUpdate("unique_users", new TreeMap<>(), minute.plusSeconds(60), minute.plusSeconds(120),
                Bucket.empty(users).add(null, "b").add(null, "c"), false, at));
        // Prague's trips in two cells of one day: 2 + 3 when cells roll up into the region.
        Instant day = Instant.parse("2031-03-01T00:00:00Z");
        for (String[] cell : new String[][] {{"u2fk1", "2"}, {"u2fk2", "3"}, {"u2fk2", "4"}}) {
            Bucket b = Bucket.EMPTY;
            for (int i = 0; i < Integer.parseInt(cell[1]); i++) {
                b = b.addCount();
            }
            Instant start = cell[1].equals("4") ? day.plusSeconds(86_400) : day;
            updates.add(new BucketUpdate("trips", new TreeMap<>(Map.of("region", "Prague", "origin_cell", cell[0])),
                    start, start.plusSeconds(86_400), b, false, at));
        }
        // the daily buckets the aggregation service would store from the calendar plays
        Map<String, Map<LocalDate, Bucket>> calendar = new TreeMap<>();
        for (Play p : CALENDAR_PLAYS) {
            calendar.computeIfAbsent(p.song(), s -> new TreeMap<>()).merge(p.date(), Bucket.EMPTY.add(p.value()), Bucket::merge);
        }
        calendar.forEach((song, days) -> days.forEach((date, b) -> updates.add(play(song, date.toString(), b, at))));
        publish(updates);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(csv(PLAYS + "?agg=count&step=1d&" + DAYS)).endsWith("2031-03-03,2\r\n"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(csv("/v1/metrics/trips/export?agg=count&step=1d&from=2031-03-01&to=2031-03-03"))
                        .endsWith("2031-03-02,4\r\n"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(csv(PLAYS + "?agg=count&step=1d&from=" + CALENDAR_FROM + "&to=" + CALENDAR_TO).lines().skip(1)
                        .mapToLong(row -> Long.parseLong(row.substring(row.lastIndexOf(',') + 1))).sum())
                        .isEqualTo(CALENDAR_PLAYS.size()));
        published = true;
    }

    /**
     * The brute force over the calendar plays: per song (or all together when {@code grouped} is false) and first
     * date of the period holding each play's date, in {@code [from, to)}: the sum of plays, or the count of events.
     * With {@code periods} (the first dates of every period in the range) each group has a row for each, 0 when empty.
     */
    private static String calendarCsv(boolean grouped, boolean sum, LocalDate from, LocalDate to,
                                      Function<LocalDate, LocalDate> period, List<LocalDate> periods) {
        Map<String, Map<LocalDate, Long>> values = new TreeMap<>();
        for (Play p : CALENDAR_PLAYS) {
            if (!p.date().isBefore(from) && p.date().isBefore(to)) {
                Map<LocalDate, Long> byDate = values.computeIfAbsent(grouped ? p.song() + "," : "", s -> new TreeMap<>());
                periods.forEach(start -> byDate.putIfAbsent(start, 0L));
                byDate.merge(period.apply(p.date()), sum ? (long) p.value() : 1L, Long::sum);
            }
        }
        StringBuilder csv = new StringBuilder(grouped ? "Song," : "").append("date,")
                .append(sum ? "sum(Number of Plays)" : "count").append("\r\n");
        values.forEach((group, byDate) -> byDate.forEach((date, v) ->
                csv.append(group).append(date).append(',').append(v).append("\r\n")));
        return csv.toString();
    }

    @Test
    void monthsQuartersAndSundayWeeksAreStepsOfTheCalendarAcrossTheLeapDay() {
        LocalDate from = LocalDate.parse("2032-01-01");
        LocalDate to = LocalDate.parse("2032-05-01");
        String months = csv(PLAYS + "?agg=sum&step=1mo" + CALENDAR_WHERE + "&from=" + from + "&to=" + to);
        assertThat(months).isEqualTo(calendarCsv(true, true, from, to, d -> d.withDayOfMonth(1), List.of()));
        assertThat(months).contains("Yesterday,2032-02-01,").contains("Yesterday,2032-03-01,");
        LocalDate quartersTo = LocalDate.parse("2032-07-01");
        assertThat(csv(PLAYS + "?agg=sum&step=1q" + CALENDAR_WHERE + "&from=" + from + "&to=" + quartersTo))
                .isEqualTo(calendarCsv(true, true, from, quartersTo,
                        d -> LocalDate.of(d.getYear(), (d.getMonthValue() - 1) / 3 * 3 + 1, 1), List.of()));
        // ungrouped: from the daily totals of all songs, weeks from Sunday 2032-01-18
        LocalDate weeksFrom = LocalDate.parse("2032-01-18");
        assertThat(weeksFrom.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(csv(PLAYS + "?agg=count&step=1w&week_start=sunday&from=" + weeksFrom + "&to=" + CALENDAR_TO))
                .isEqualTo(calendarCsv(false, false, weeksFrom, CALENDAR_TO,
                        d -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)), List.of()));
        assertThat(csv(PLAYS + "?agg=sum&step=1w&week_start=sunday" + CALENDAR_WHERE + "&from=" + weeksFrom + "&to=" + CALENDAR_TO))
                .isEqualTo(calendarCsv(true, true, weeksFrom, CALENDAR_TO,
                        d -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)), List.of()));
    }

    @Test
    void fillWritesEveryMonthOnceForEachSong() {
        LocalDate from = LocalDate.parse("2031-12-01");
        LocalDate to = LocalDate.parse("2032-07-01");
        List<LocalDate> months = new ArrayList<>();
        for (LocalDate m = from; m.isBefore(to); m = m.plusMonths(1)) {
            months.add(m);
        }
        String filled = csv(PLAYS + "?agg=sum&step=1mo&fill=zero" + CALENDAR_WHERE + "&from=" + from + "&to=" + to);
        assertThat(filled).isEqualTo(calendarCsv(true, true, from, to, d -> d.withDayOfMonth(1), months));
        assertThat(filled.lines().skip(1)).hasSize(CALENDAR_SONGS.size() * months.size());
    }

    @Test
    void inATimeZoneStepsOfTheClockCountFromLocalMidnightAndTimesHaveTheOffset() {
        // the users' minutes, 10:00 and 10:01 UTC, in Kolkata's hour from local midnight
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        String hour = Instant.parse("2031-03-01T10:00:00Z").atZone(kolkata).truncatedTo(ChronoUnit.HOURS)
                .format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX"));
        assertThat(csv("/v1/metrics/unique_users/export?agg=distinct&step=1h&tz=Asia/Kolkata"
                + "&from=2031-03-01T15:00:00&to=2031-03-01T17:00:00")).isEqualTo("time,distinct(uid)\r\n" + hour + ",3\r\n");
    }

    /** A bucket of plays as the aggregation keeps it: the bundled metric counts Lisbon days. */
    private static BucketUpdate play(String song, String date, Bucket b, Instant updatedAt) {
        LocalDate day = LocalDate.parse(date);
        Instant start = day.atStartOfDay(LISBON).toInstant();
        return new BucketUpdate("plays", new TreeMap<>(Map.of("Song", song)), start,
                day.plusDays(1).atStartOfDay(LISBON).toInstant(), b, false, updatedAt);
    }

    private static void publish(List<BucketUpdate> updates) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (BucketUpdate u : updates) {
                producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
            }
        }
    }

    private static String csv(String pathAndQuery) {
        return given().accept("text/csv").when().get(pathAndQuery).then().statusCode(200).extract().asString();
    }

    @Test
    void csvHasAHeaderThenOneRowPerSongAndDateWithPlaysInGroupThenDateOrder() {
        Response answer = given().accept("text/csv").when().get(PLAYS + "?agg=sum&step=1d&group_by=Song&" + DAYS);
        answer.then().statusCode(200).contentType(containsString("text/csv"))
                .header("Content-Disposition", "attachment; filename=\"plays.csv\"");
        assertThat(answer.asString()).isEqualTo("""
                Song,date,sum(Number of Plays)\r
                Hey Jude,2031-03-01,123\r
                Hey Jude,2031-03-02,105\r
                Let It Be,2031-03-01,87\r
                Let It Be,2031-03-02,110\r
                Let It Be,2031-03-03,5\r
                "Ob-La-Di, Ob-La-Da",2031-03-01,45\r
                "Ob-La-Di, Ob-La-Da",2031-03-03,60\r
                """);
    }

    @Test
    void columnsRenameTheHeaderToTheJobsFile() {
        assertThat(csv(PLAYS + "?agg=sum&step=1d&group_by=Song&" + DAYS + "&columns=Song,Date,Total Number of Plays for Date"))
                .startsWith("Song,Date,Total Number of Plays for Date\r\nHey Jude,2031-03-01,123\r\n");
    }

    @Test
    void fillWritesEveryDateOfEverySongAsZeroOrWithoutAValue() {
        assertThat(csv(PLAYS + "?agg=sum&step=1d&group_by=Song&" + DAYS + "&fill=zero")).isEqualTo("""
                Song,date,sum(Number of Plays)\r
                Hey Jude,2031-03-01,123\r
                Hey Jude,2031-03-02,105\r
                Hey Jude,2031-03-03,0\r
                Let It Be,2031-03-01,87\r
                Let It Be,2031-03-02,110\r
                Let It Be,2031-03-03,5\r
                "Ob-La-Di, Ob-La-Da",2031-03-01,45\r
                "Ob-La-Di, Ob-La-Da",2031-03-02,0\r
                "Ob-La-Di, Ob-La-Da",2031-03-03,60\r
                """);
        assertThat(csv(PLAYS + "?agg=sum&step=1d&group_by=Song&" + DAYS + "&fill=null"))
                .contains("Hey Jude,2031-03-03,\r\n").contains("\"Ob-La-Di, Ob-La-Da\",2031-03-02,\r\n");
    }

    @Test
    void ndjsonHasOneObjectPerRowKeyedByTheColumns() {
        Response answer = given().accept("application/x-ndjson").when()
                .get(PLAYS + "?agg=sum&step=1d&group_by=Song&" + DAYS + "&where=Song:Let It Be");
        answer.then().statusCode(200).contentType(containsString("application/x-ndjson"))
                .header("Content-Disposition", "attachment; filename=\"plays.ndjson\"");
        assertThat(answer.asString()).isEqualTo("""
                {"Song":"Let It Be","date":"2031-03-01","sum(Number of Plays)":87}
                {"Song":"Let It Be","date":"2031-03-02","sum(Number of Plays)":110}
                {"Song":"Let It Be","date":"2031-03-03","sum(Number of Plays)":5}
                """);
    }

    @Test
    void withoutGroupsEveryStepSumsAllSongsAndLongerStepsMergeDays() {
        assertThat(csv(PLAYS + "?agg=count&step=1d&" + DAYS)).isEqualTo("date,count\r\n2031-03-01,3\r\n2031-03-02,3\r\n2031-03-03,2\r\n");
        // plays counts Lisbon days, so steps of two local days are counted from 1970-01-01: 2031-02-28 is day 22,338
        assertThat(csv(PLAYS + "?agg=sum&step=2d&group_by=Song&" + DAYS + "&where=Song:Hey Jude|Let It Be")).isEqualTo("""
                Song,date,sum(Number of Plays)\r
                Hey Jude,2031-02-28,123\r
                Hey Jude,2031-03-02,105\r
                Let It Be,2031-02-28,87\r
                Let It Be,2031-03-02,115\r
                """);
    }

    @Test
    void distinctCountsMergeTheBucketsSketchesAndStepsShorterThanADayAreTimes() {
        assertThat(csv("/v1/metrics/unique_users/export?agg=distinct&step=2m&from=2031-03-01T10:00:00Z&to=2031-03-01T10:02:00Z"))
                .isEqualTo("time,distinct(uid)\r\n2031-03-01T10:00:00Z,3\r\n");
    }

    @Test
    void groupingBySomeFieldsRollsTheOthersUp() {
        assertThat(csv("/v1/metrics/trips/export?agg=count&step=1d&group_by=region&from=2031-03-01&to=2031-03-03"))
                .isEqualTo("region,date,count\r\nPrague,2031-03-01,5\r\nPrague,2031-03-02,4\r\n");
    }

    @Test
    void gzipWhenTheClientAcceptsIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(base + PLAYS.substring(1) + "?agg=sum&step=1d&group_by=Song&" + DAYS);
        HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(uri).header(TestKeys.AUTHORIZATION, TestKeys.admin()).header("Accept", "text/csv")
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String unzipped = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(uri).header(TestKeys.AUTHORIZATION, TestKeys.admin()).header("Accept", "text/csv").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(unzipped).isEqualTo(plain.body()).startsWith("Song,date,sum(Number of Plays)\r\nHey Jude,2031-03-01,123\r\n");
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        badParameter(PLAYS + "?agg=sum&step=1d&group_by=Song&columns=Song,Total", "columns", "2 names for 3 columns");
        badParameter(PLAYS + "?agg=sum&step=1d&group_by=Song&columns=Song,Song,Total", "columns", "names a column twice");
        badParameter(PLAYS + "?agg=sum&step=1d&fill=forward", "fill", "'forward' is not a fill");
        badParameter(PLAYS + "?agg=avg&step=1d", "agg", "'avg' is not kept by metric plays");
        badParameter(PLAYS + "?agg=sum&step=90m", "step", "not a positive multiple");
        badParameter(PLAYS + "?agg=sum&group_by=Artist", "group_by", "'Artist' is not a group field");
        badParameter(PLAYS + "?agg=sum&where=Artist:x", "where", "'Artist' is not a group field");
        badParameter(PLAYS + "?agg=sum&from=yesterday", "from", "'yesterday' is not a time");
        // Kolkata's midnight is 18:30 UTC, inside a day of plays
        badParameter(PLAYS + "?agg=sum&step=1d&tz=Asia/Kolkata&" + DAYS, "tz",
                "2031-03-01T00:00:00+05:30 is not a bucket boundary of metric plays");
        badParameter(PLAYS + "?agg=sum&step=1mo&tz=Asia/Kolkata", "tz", "is not a bucket boundary of metric plays");
        badParameter(PLAYS + "?agg=sum&tz=Mars/Olympus", "tz", "is not a time zone");
        badParameter(PLAYS + "?agg=sum&step=1w&week_start=someday", "week_start", "is not a day of the week");
        badParameter(PLAYS + "?agg=sum&step=0mo", "step", "is not a positive step");
        given().accept("text/csv").when().get("/v1/metrics/songs/export").then().statusCode(404)
                .contentType("application/problem+json");
        given().accept("application/json").when().get(PLAYS + "?agg=sum").then().statusCode(406)
                .contentType("application/problem+json");
    }

    private static void badParameter(String pathAndQuery, String parameter, String detail) {
        given().accept("text/csv").when().get(pathAndQuery).then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo(parameter))
                .body("detail", containsString(detail));
    }

    /** Stores BIG_SONGS x BIG_DAYS plays straight into the bucket table: song i has i % 97 + day plays on day. */
    private void storeBigExport() throws Exception {
        if (bigStored) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO bucket (metric, group_key, bucket_start, bucket_end, "
                     + "event_count, value_sum, is_final, updated_at) SELECT 'plays', '{\"Song\":\"s' || lpad(i::text, 4, '0') || '\"}', "
                     + "?::timestamptz + d * interval '1 day', ?::timestamptz + (d + 1) * interval '1 day', 1, i % 97 + d, true, now() "
                     + "FROM generate_series(0, ?) i, generate_series(0, ?) d ON CONFLICT DO NOTHING")) {
            s.setString(1, BIG_FROM + "T00:00:00Z");
            s.setString(2, BIG_FROM + "T00:00:00Z");
            s.setInt(3, BIG_SONGS - 1);
            s.setInt(4, BIG_DAYS - 1);
            s.executeUpdate();
        }
        bigStored = true;
    }

    /** Asks for the big export on a raw socket and reads only the status line, leaving the rows unread. */
    private Socket startReadingNothing() throws Exception {
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + BIG.replace(" ", "%20") + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAccept: text/csv\r\n" + TestKeys.AUTHORIZATION + ": " + TestKeys.admin() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder status = new StringBuilder();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            status.append((char) b);
        }
        assertThat(status.toString()).startsWith("HTTP/1.1 200");
        return socket;
    }

    private static long rows(String pathAndQuery) throws Exception {
        try (InputStream in = given().accept("text/csv").when().get(pathAndQuery).then().statusCode(200).extract().asInputStream();
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return lines.lines().count() - 1;
        }
    }

    @Test
    void twoExportsRunAtOnceAThirdIsTurnedAwayAndClientsThatLeaveFreeTheirSlots() throws Exception {
        storeBigExport();
        try (Socket first = startReadingNothing(); Socket second = startReadingNothing()) {
            given().accept("text/csv").when().get(BIG).then().statusCode(429).contentType("application/problem+json")
                    .body("limit", equalTo(2)).body("setting", equalTo("pulse.query.max-concurrent-exports"));
            // an interactive question still gets its answer while both exports wait for their clients
            given().when().get("/v1/metrics/plays/series?agg=sum&step=1d&" + DAYS).then().statusCode(200);
        }
        // Both clients left mid-export: their slots and connections come back, and two exports run at once again.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(rows(BIG)).isEqualTo((long) BIG_SONGS * BIG_DAYS));
        try (Socket first = startReadingNothing(); Socket second = startReadingNothing()) {
            given().accept("text/csv").when().get(BIG).then().statusCode(429);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(rows(BIG + "&where=Song:s0001")).isEqualTo(BIG_DAYS));
    }

    @Test
    void theBigExportHasEveryRowWithItsValue() throws Exception {
        storeBigExport();
        try (InputStream in = given().accept("text/csv").when().get(BIG).then().statusCode(200).extract().asInputStream();
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("Song,date,sum(Number of Plays)");
            for (int i = 0; i < BIG_SONGS; i++) {
                for (int d = 0; d < BIG_DAYS; d++) {
                    String expected = String.format("s%04d,%s,%d", i, BIG_FROM.plusDays(d), i % 97 + d);
                    assertThat(lines.readLine()).isEqualTo(expected);
                }
            }
            assertThat(lines.readLine()).isNull();
        }
    }
}
