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
import io.pulse.query.TwoFieldPipeline;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exports of a metric whose buckets are whole days in Europe/Lisbon (lisbon_spend of the two-field test pipeline),
 * across the change to summer time on 2026-03-29, a local day of 23 hours. The expected rows are worked out with
 * java.time from the raw purchases, never by the code under test.
 */
@QuarkusTest
@TestProfile(TwoFieldPipeline.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ZonedExportTest {

    private static final String EXPORT = "/v1/metrics/lisbon_spend/export";
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    private static final Instant FIRST = Instant.parse("2026-03-25T00:00:00Z");
    private static final Instant END = Instant.parse("2026-04-03T00:00:00Z");
    private static final List<Purchase> PURCHASES = purchases();
    private static boolean published;

    @Inject
    Pipeline pipeline;

    private record Purchase(Instant ts, String shop, double amount) {
        LocalDate localDate() {
            return ts.atZone(LISBON).toLocalDate();
        }
    }

    /** A purchase every 37 minutes, the shops taking turns, of 1 to 7. */
    private static List<Purchase> purchases() {
        List<Purchase> purchases = new ArrayList<>();
        int i = 0;
        for (Instant t = FIRST; t.isBefore(END); t = t.plus(Duration.ofMinutes(37)), i++) {
            purchases.add(new Purchase(t, i % 3 == 0 ? "north" : "south", i % 7 + 1));
        }
        return purchases;
    }

    @BeforeEach
    void publishOnce() throws Exception {
        if (published) {
            return;
        }
        // the buckets the aggregation service would store: each shop's purchases of one Lisbon date
        Map<String, Map<LocalDate, Bucket>> buckets = new TreeMap<>();
        for (Purchase p : PURCHASES) {
            buckets.computeIfAbsent(p.shop(), s -> new TreeMap<>()).merge(p.localDate(), Bucket.EMPTY.add(p.amount()),
                    Bucket::merge);
        }
        Instant updatedAt = Instant.parse("2026-04-10T00:00:00Z");
        // and the minute buckets of spend, an epoch-aligned metric, each purchase in its own (shop, country)
        Metric spend = pipeline.metric("spend").orElseThrow();
        List<BucketUpdate> minutes = new ArrayList<>();
        for (int i = 0; i < PURCHASES.size(); i++) {
            Purchase p = PURCHASES.get(i);
            minutes.add(new BucketUpdate("spend", new TreeMap<>(Map.of("shop", p.shop(), "country", i % 2 == 0 ? "PT" : "ES")),
                    p.ts(), p.ts().plusSeconds(60), Bucket.empty(spend).add(p.amount(), "u" + i), false, updatedAt));
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.broker().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (BucketUpdate u : minutes) {
                producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
            }
            for (var shop : buckets.entrySet()) {
                for (var day : shop.getValue().entrySet()) {
                    BucketUpdate u = new BucketUpdate("lisbon_spend", new TreeMap<>(Map.of("shop", shop.getKey())),
                            day.getKey().atStartOfDay(LISBON).toInstant(),
                            day.getKey().plusDays(1).atStartOfDay(LISBON).toInstant(), day.getValue(), false, updatedAt);
                    producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u))).get();
                }
            }
        }
        // stored when the counts of the whole span add up to the purchases, however its steps are cut
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(csv(EXPORT + "?agg=count").lines().skip(1)
                        .mapToLong(row -> Long.parseLong(row.substring(row.lastIndexOf(',') + 1))).sum())
                        .isEqualTo(PURCHASES.size()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(csv("/v1/metrics/spend/export?agg=count&step=1d&from=" + FIRST + "&to=" + END).lines().skip(1)
                        .mapToLong(row -> Long.parseLong(row.substring(row.lastIndexOf(',') + 1))).sum())
                        .isEqualTo(PURCHASES.size()));
        published = true;
    }

    private static String csv(String pathAndQuery) {
        return given().accept("text/csv").when().get(pathAndQuery).then().statusCode(200).extract().asString();
    }

    /**
     * The brute force: per shop (or all, when {@code grouped} is false), per first local date of the period holding
     * each purchase's Lisbon date, in {@code [from, to)}: the sum of amounts, or the count.
     */
    private static String expected(String header, boolean grouped, boolean sum, LocalDate from, LocalDate to,
                                   Function<LocalDate, LocalDate> period) {
        Map<String, Map<LocalDate, Double>> values = new TreeMap<>();
        for (Purchase p : PURCHASES) {
            LocalDate date = p.localDate();
            if (!date.isBefore(from) && date.isBefore(to)) {
                values.computeIfAbsent(grouped ? p.shop() + "," : "", s -> new TreeMap<>())
                        .merge(period.apply(date), sum ? p.amount() : 1, Double::sum);
            }
        }
        StringBuilder csv = new StringBuilder(header).append("\r\n");
        values.forEach((group, byDate) -> byDate.forEach((date, v) ->
                csv.append(group).append(date).append(',').append(Math.round(v)).append("\r\n")));
        return csv.toString();
    }

    @Test
    void withoutTzTheMetricsOwnLocalDaysAreTheStepsEvenTheDayOf23Hours() {
        LocalDate from = LocalDate.parse("2026-03-27");
        LocalDate to = LocalDate.parse("2026-04-01");
        String answer = csv(EXPORT + "?agg=sum&step=1d&group_by=shop&from=" + from + "&to=" + to);
        assertThat(answer).isEqualTo(expected("shop,date,sum(amount)", true, true, from, to, d -> d));
        // the short day is one row of its own: 23 hours of purchases, every 37 minutes
        assertThat(answer).contains("south,2026-03-29,").contains("south,2026-03-30,");
        assertThat(csv(EXPORT + "?agg=sum&step=1d&group_by=shop&tz=Europe/Lisbon&from=" + from + "&to=" + to))
                .isEqualTo(answer);
    }

    @Test
    void ungroupedLocalDaysAndSundayWeeksMergeTheShops() {
        LocalDate from = LocalDate.parse("2026-03-25");
        LocalDate to = LocalDate.parse("2026-04-03");
        assertThat(csv(EXPORT + "?agg=count&step=1d&from=" + from + "&to=" + to))
                .isEqualTo(expected("date,count", false, false, from, to, d -> d));
        LocalDate weeksFrom = LocalDate.parse("2026-03-22");
        LocalDate weeksTo = LocalDate.parse("2026-04-05");
        assertThat(weeksFrom.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(csv(EXPORT + "?agg=count&step=1w&week_start=sunday&from=" + weeksFrom + "&to=" + weeksTo))
                .isEqualTo(expected("date,count", false, false, weeksFrom, weeksTo,
                        d -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY))));
    }

    /** A metric of minutes asked in Lisbon: local days and 6-hour steps from local midnight, from the hourly roll-ups. */
    @Test
    void anEpochAlignedMetricAskedInLisbonHasLocalDaysAndClockStepsWithTheirOffset() {
        LocalDate from = LocalDate.parse("2026-03-27");
        LocalDate to = LocalDate.parse("2026-04-01");
        assertThat(csv("/v1/metrics/spend/export?agg=sum&step=1d&group_by=shop&tz=Europe/Lisbon&from=" + from + "&to=" + to))
                .isEqualTo(expected("shop,date,sum(amount)", true, true, from, to, d -> d));
        assertThat(csv("/v1/metrics/spend/export?agg=count&step=1w&week_start=sunday&tz=Europe/Lisbon&from=2026-03-22&to=2026-04-05"))
                .isEqualTo(expected("date,count", false, false, LocalDate.parse("2026-03-22"), LocalDate.parse("2026-04-05"),
                        d -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY))));
        // 6 hours at a time from each local midnight, the last step of a day ending at the next: on 2026-03-29, a day
        // of 23 hours, at 07:00, 13:00 and 19:00 summer time, and the last lasts 5 hours
        DateTimeFormatter offsetTime = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
        Map<String, Long> quarters = new TreeMap<>();
        for (Purchase p : PURCHASES) {
            LocalDate date = p.localDate();
            if (!date.isBefore(LocalDate.parse("2026-03-28")) && date.isBefore(LocalDate.parse("2026-03-31"))) {
                Instant midnight = date.atStartOfDay(LISBON).toInstant();
                long quarter = Duration.between(midnight, p.ts()).toHours() / 6;
                quarters.merge(midnight.plus(Duration.ofHours(6 * quarter)).atZone(LISBON).format(offsetTime), 1L, Long::sum);
            }
        }
        StringBuilder expected = new StringBuilder("time,count\r\n");
        quarters.forEach((t, n) -> expected.append(t).append(',').append(n).append("\r\n"));
        String answer = csv("/v1/metrics/spend/export?agg=count&step=6h&tz=Europe/Lisbon&from=2026-03-28&to=2026-03-31");
        assertThat(answer).isEqualTo(expected.toString()).contains("2026-03-29T00:00:00+00:00,").contains("2026-03-29T07:00:00+01:00,")
                .contains("2026-03-29T19:00:00+01:00,");
    }

    @Test
    void aZoneWhoseMidnightIsNotTheMetricsIsRefusedNamingTz() {
        given().accept("text/csv").when().get(EXPORT + "?agg=count&tz=UTC&from=2026-03-27&to=2026-04-01").then()
                .statusCode(400).contentType("application/problem+json").body("parameter", equalTo("tz"))
                .body("detail", containsString("not a bucket boundary of metric lisbon_spend"));
    }
}
