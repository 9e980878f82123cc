package io.pulse.query.views;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.query.AggregatesTopic;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The read-only views of V9 against the buckets sent on the aggregates topic: each row's count, sum, avg, min, max,
 * late, final and group as computed here from the events of each bucket, and the same values as {@code /series}
 * answers per minute, hour and day.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ValuesViewsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DAY = "2021-06-07";
    private final String a = "views-a-" + UUID.randomUUID();
    private final String b = "views-b-" + UUID.randomUUID();

    /** One bucket as sent: the values of its events, those that came late, whether it was final. */
    private record Sent(String client, String minute, List<Double> onTime, List<Double> late, boolean isFinal) {

        Instant start() {
            return Instant.parse(DAY + "T" + minute + ":00Z");
        }

        List<Double> all() {
            return Stream.concat(onTime.stream(), late.stream()).toList();
        }

        BucketUpdate update(Instant updatedAt) {
            Bucket bucket = Bucket.EMPTY;
            for (double v : onTime) {
                bucket = bucket.add(v);
            }
            for (double v : late) {
                bucket = bucket.addLate(v, null);
            }
            return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), start(),
                    start().plusSeconds(60), bucket, isFinal, updatedAt);
        }
    }

    /** What a row must say of events, computed from their values alone. */
    private record Expected(long count, double sum, double avg, double min, double max, long late) {

        static Expected of(List<Double> values, long late) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return new Expected(values.size(), sum, sum / values.size(), min, max, late);
        }
    }

    /** One row of a view, by its contract's column names. */
    private record Row(String client, Instant time, Instant end, long count, Double sum, Double avg, Double min,
                       Double max, long late, Boolean isFinal, boolean revised) {
    }

    private List<Sent> firstValues() {
        return List.of(
                new Sent(a, "10:00", List.of(20.0, 31.0), List.of(), true),
                new Sent(a, "10:01", List.of(7.0), List.of(5.0), true),
                new Sent(a, "10:59", List.of(100.0), List.of(), false),
                new Sent(b, "10:00", List.of(54.0), List.of(), true),
                new Sent(b, "11:03", List.of(3.0, 9.0, 12.0), List.of(), false));
    }

    /** 10:00 of client a, revised: a third event of 40. */
    private Sent revision() {
        return new Sent(a, "10:00", List.of(20.0, 31.0, 40.0), List.of(), true);
    }

    private List<Row> rows(String view) throws SQLException {
        boolean perBucket = view.equals("pulse_values");
        List<Row> rows = new ArrayList<>();
        try (Connection c = ViewsDatabase.connect();
             PreparedStatement s = c.prepareStatement("SELECT \"group\"->>'client_name', \"time\", \"end\", \"count\", "
                     + "\"sum\", \"avg\", \"min\", \"max\", late, " + (perBucket ? "final" : "NULL::boolean")
                     + ", revised, jsonb_typeof(\"group\"), \"group\" = jsonb_build_object('client_name', "
                     + "\"group\"->>'client_name') FROM " + view + " WHERE metric = 'delivery_time' "
                     + "AND \"group\"->>'client_name' IN (?, ?) ORDER BY 1, 2")) {
            s.setString(1, a);
            s.setString(2, b);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(12)).as("group is a JSON object").isEqualTo("object");
                    assertThat(rs.getBoolean(13)).as("group holds the group fields only").isTrue();
                    rows.add(new Row(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4),
                            (Double) rs.getObject(5), (Double) rs.getObject(6), (Double) rs.getObject(7),
                            (Double) rs.getObject(8), rs.getLong(9), (Boolean) rs.getObject(10), rs.getBoolean(11)));
                }
            }
        }
        return rows;
    }

    private static Row find(List<Row> rows, String client, Instant time) {
        return rows.stream().filter(r -> r.client().equals(client) && r.time().equals(time)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + client + " at " + time + " in " + rows));
    }

    private static void assertValues(Row row, Expected e) {
        assertThat(row.count()).as("count of %s", row).isEqualTo(e.count());
        assertThat(row.sum()).as("sum of %s", row).isEqualTo(e.sum());
        assertThat(row.avg()).as("avg of %s", row).isEqualTo(e.avg());
        assertThat(row.min()).as("min of %s", row).isEqualTo(e.min());
        assertThat(row.max()).as("max of %s", row).isEqualTo(e.max());
        assertThat(row.late()).as("late of %s", row).isEqualTo(e.late());
    }

    @Test
    void eachBucketIsARowWithItsLatestValuesAsTheSeriesAnswers() throws Exception {
        AggregatesTopic.publish(firstValues().stream().map(s -> s.update(Instant.parse("2021-06-08T00:00:00Z"))).toList());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> rows("pulse_values").size() == 5);
        Instant tenOClock = Instant.parse(DAY + "T10:00:00Z");
        assertValues(find(rows("pulse_values"), a, tenOClock), Expected.of(List.of(20.0, 31.0), 0));

        AggregatesTopic.publish(List.of(revision().update(Instant.parse("2021-06-08T00:00:01Z"))));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> find(rows("pulse_values"), a, tenOClock).count() == 3);

        List<Sent> latest = new ArrayList<>(firstValues().subList(1, 5));
        latest.add(revision());
        List<Row> rows = rows("pulse_values");
        assertThat(rows).hasSize(5);
        for (Sent sent : latest) {
            Row row = find(rows, sent.client(), sent.start());
            assertValues(row, Expected.of(sent.all(), sent.late().size()));
            assertThat(row.end()).isEqualTo(sent.start().plusSeconds(60));
            assertThat(row.isFinal()).as("final of %s", row).isEqualTo(sent.isFinal());
            assertThat(row.revised()).as("revised of %s", row).isEqualTo(!sent.late().isEmpty());
        }
        assertLikeTheSeries(rows, "1m", DAY + "T10:00:00Z", DAY + "T11:05:00Z");

        // Per hour: client a's 10:00, 10:01 and 10:59 in one row; b's 10:00 and 11:03 apart.
        List<Row> hours = rows("pulse_values_hourly");
        assertThat(hours).hasSize(3);
        assertValues(find(hours, a, tenOClock), Expected.of(List.of(20.0, 31.0, 40.0, 7.0, 5.0, 100.0), 1));
        assertValues(find(hours, b, tenOClock), Expected.of(List.of(54.0), 0));
        Row bAtEleven = find(hours, b, Instant.parse(DAY + "T11:00:00Z"));
        assertValues(bAtEleven, Expected.of(List.of(3.0, 9.0, 12.0), 0));
        assertThat(bAtEleven.end()).isEqualTo(Instant.parse(DAY + "T12:00:00Z"));
        assertThat(find(hours, a, tenOClock).revised()).isTrue();
        assertLikeTheSeries(hours, "1h", DAY + "T10:00:00Z", DAY + "T12:00:00Z");

        List<Row> days = rows("pulse_values_daily");
        assertThat(days).hasSize(2);
        Instant midnight = Instant.parse(DAY + "T00:00:00Z");
        assertValues(find(days, a, midnight), Expected.of(List.of(20.0, 31.0, 40.0, 7.0, 5.0, 100.0), 1));
        assertValues(find(days, b, midnight), Expected.of(List.of(54.0, 3.0, 9.0, 12.0), 0));
        assertThat(find(days, b, midnight).end()).isEqualTo(Instant.parse("2021-06-08T00:00:00Z"));
        assertLikeTheSeries(days, "1d", DAY + "T00:00:00Z", "2021-06-08T00:00:00Z");
    }

    /**
     * Every point of {@code /series} (group_by=client_name, each exact aggregation) with events is a row of
     * {@code rows} with the same value, count and late count, and every row is such a point.
     */
    private void assertLikeTheSeries(List<Row> rows, String step, String from, String to) throws Exception {
        for (String agg : List.of("count", "sum", "avg", "min", "max")) {
            JsonNode answer = JSON.readTree(given().queryParam("step", step).queryParam("agg", agg)
                    .queryParam("group_by", "client_name").queryParam("where", "client_name:" + a + "|" + b)
                    .queryParam("from", from).queryParam("to", to)
                    .when().get("/v1/metrics/delivery_time/series").then().statusCode(200).extract().asString());
            Map<String, JsonNode> points = new HashMap<>();
            for (JsonNode series : answer.path("series")) {
                for (JsonNode point : series.path("points")) {
                    if (point.path("count").asLong() > 0) {
                        points.put(series.path("group").path("client_name").asText() + " " + point.path("ts").asText(), point);
                    }
                }
            }
            assertThat(points).as("points with events, %s per %s", agg, step).hasSize(rows.size());
            for (Row row : rows) {
                JsonNode point = points.get(row.client() + " " + row.time());
                assertThat(point).as("the %s point of %s", step, row).isNotNull();
                Double view = switch (agg) {
                    case "count" -> (double) row.count();
                    case "sum" -> row.sum();
                    case "avg" -> row.avg();
                    case "min" -> row.min();
                    default -> row.max();
                };
                assertThat(view).as("%s per %s of %s", agg, step, row).isEqualTo(point.path("value").asDouble());
                assertThat(row.count()).isEqualTo(point.path("count").asLong());
                assertThat(row.late()).isEqualTo(point.path("late").asLong());
                assertThat(row.revised()).isEqualTo(point.path("revised").asBoolean());
            }
        }
    }

    @Test
    void theReaderRoleSelectsTheViewsAndNothingElse() throws SQLException {
        try (Connection c = ViewsDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("SET ROLE pulse_reader");
            for (String view : List.of("pulse_values", "pulse_values_hourly", "pulse_values_daily")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + view)) {
                    assertThat(rs.next()).isTrue();
                }
            }
            for (String denied : List.of("SELECT * FROM bucket", "SELECT * FROM bucket_hour", "SELECT * FROM bucket_day",
                    "SELECT * FROM metric_hour", "SELECT * FROM metric_day", "SELECT * FROM retention_run",
                    "DELETE FROM pulse_values", "UPDATE pulse_values SET metric = metric",
                    "INSERT INTO pulse_values (metric) VALUES ('x')", "DELETE FROM bucket")) {
                assertThatThrownBy(() -> s.execute(denied)).as(denied).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(denied).isEqualTo("42501"));
            }
            s.execute("RESET ROLE");
        }
    }
}
