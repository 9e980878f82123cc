package io.pulse.query.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
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
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every SQL query of the example dashboard k8s/monitoring/pulse-values-dashboard.json, with Grafana's macros and
 * variables replaced as Grafana's PostgreSQL data source replaces them, run against the migrated PostgreSQL holding
 * buckets of each bundled metric: each answers rows with the columns its panel shows.
 *
 * <p>The substitution, for a dashboard time range [{@link #FROM}, {@link #TO}]:
 * <ul>
 * <li>{@code $__timeFilter(expr)} becomes {@code expr BETWEEN '<from>' AND '<to>'}, the instants in RFC 3339 UTC;</li>
 * <li>{@code $__timeFrom()} and {@code $__timeTo()} become {@code '<from>'} and {@code '<to>'};</li>
 * <li>{@code $client}, a multi-value variable set to All, becomes its values quoted and comma-separated,
 * {@code 'a','b'} (a quote inside a value doubled).</li>
 * </ul>
 * Any other {@code $} left in a query fails the test: a macro or variable added to the dashboard needs its
 * substitution here.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ValuesDashboardTest {

    static final Path DASHBOARD = Path.of("../k8s/monitoring/pulse-values-dashboard.json");
    private static final Instant FROM = Instant.parse("2022-03-07T00:00:00Z");
    private static final Instant TO = Instant.parse("2022-03-15T00:00:00Z");
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^()]*)\\)");
    /** The columns each panel shows, by panel id: a time series' time, its series name (metric) and values. */
    private static final Map<Integer, List<String>> COLUMNS = Map.of(
            1, List.of("time", "metric", "avg"),
            2, List.of("time", "deliveries"),
            3, List.of("time", "frames"),
            4, List.of("time", "metric", "trips"),
            5, List.of("time", "metric", "min", "max"),
            6, List.of("time", "metric", "plays"),
            7, List.of("time", "client", "count", "late", "final", "revised"));
    private static final Set<Integer> NUMBERS = Set.of(Types.BIGINT, Types.INTEGER, Types.DOUBLE, Types.NUMERIC,
            Types.REAL);

    private final String client = "dash-" + UUID.randomUUID();
    private final String otherClient = "dash-o'" + UUID.randomUUID();
    private final String city = "dash-city-" + UUID.randomUUID();

    private static BucketUpdate update(String metric, Map<String, String> group, String start, Duration length,
                                       Bucket bucket, boolean isFinal) {
        Instant s = Instant.parse(start);
        return new BucketUpdate(metric, new TreeMap<>(group), s, s.plus(length), bucket, isFinal, Instant.now());
    }

    /** Buckets of the five bundled workloads' metrics inside the dashboard's range. */
    @BeforeEach
    void store() throws SQLException {
        Duration minute = Duration.ofMinutes(1);
        Duration hour = Duration.ofHours(1);
        Duration day = Duration.ofDays(1);
        String region = "dash-region-" + UUID.randomUUID();
        String song = "dash-song-" + UUID.randomUUID();
        AggregatesTopic.publish(List.of(
                update("delivery_time", Map.of("client_name", client), "2022-03-08T10:00:00Z", minute,
                        Bucket.EMPTY.add(20).add(31), true),
                update("delivery_time", Map.of("client_name", client), "2022-03-08T10:01:00Z", minute,
                        Bucket.EMPTY.add(7).addLate(5.0, null), true),
                update("delivery_time", Map.of("client_name", otherClient), "2022-03-08T11:00:00Z", minute,
                        Bucket.EMPTY.add(54), false),
                update("unique_users", Map.of(), "2022-03-08T10:00:00Z", minute, Bucket.EMPTY.addCount().addCount(), true),
                update("trips", Map.of("region", region, "origin_cell", "u0qj4"), "2022-03-08T00:00:00Z", day,
                        Bucket.EMPTY.addCount(), true),
                update("trips", Map.of("region", region, "origin_cell", "u0qj5"), "2022-03-09T00:00:00Z", day,
                        Bucket.EMPTY.addCount().addCount(), true),
                update("heat_index", Map.of("city", city), "2022-03-08T10:00:00Z", hour,
                        Bucket.EMPTY.add(80).add(91.5), true),
                update("plays", Map.of("Song", song), "2022-03-08T00:00:00Z", day, Bucket.EMPTY.add(123), true)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> stored(city) && stored(song)
                && stored(region) && stored(client) && stored(otherClient));
    }

    private static boolean stored(String groupValue) throws SQLException {
        try (Connection c = ViewsDatabase.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM bucket WHERE group_key LIKE '%" + groupValue.replace("'", "''") + "%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private String substitute(String sql) {
        Matcher m = TIME_FILTER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + " BETWEEN '" + FROM + "' AND '" + TO + "'"));
        }
        m.appendTail(out);
        String done = out.toString().replace("$__timeFrom()", "'" + FROM + "'").replace("$__timeTo()", "'" + TO + "'")
                .replace("$client", quoted(client) + "," + quoted(otherClient));
        assertThat(done).as("a macro or variable this test does not substitute").doesNotContain("$");
        return done;
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** The dashboard's queries by panel id, each panel's first target. */
    private static Map<Integer, JsonNode> targets() throws IOException {
        Map<Integer, JsonNode> targets = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            assertThat(panel.path("targets")).as("panel %s", panel.path("title")).hasSize(1);
            targets.put(panel.path("id").asInt(), panel.path("targets").get(0));
        }
        return targets;
    }

    /** A query's column names, checking types where the panel needs them, and its rows. */
    private record Answer(List<String> columns, List<Map<String, Object>> rows) {
    }

    private Answer run(Connection c, String sql, boolean timeSeries) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(substitute(sql))) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String name = meta.getColumnLabel(i);
                columns.add(name);
                if (name.equals("time")) {
                    assertThat(meta.getColumnTypeName(i)).as("time of %s", sql).isEqualTo("timestamptz");
                } else if (timeSeries && !name.equals("metric")) {
                    assertThat(NUMBERS).as("type of %s in %s", name, sql).contains(meta.getColumnType(i));
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns.size(); i++) {
                    row.put(columns.get(i - 1), rs.getObject(i));
                }
                rows.add(row);
            }
            return new Answer(columns, rows);
        }
    }

    @Test
    void everyPanelQueryAnswersRowsWithItsColumns() throws Exception {
        Map<Integer, JsonNode> targets = targets();
        assertThat(targets.keySet()).containsExactlyInAnyOrderElementsOf(COLUMNS.keySet());
        try (Connection c = ViewsDatabase.connect()) {
            for (Map.Entry<Integer, JsonNode> t : targets.entrySet()) {
                boolean timeSeries = t.getValue().path("format").asText().equals("time_series");
                Answer answer = run(c, t.getValue().path("rawSql").asText(), timeSeries);
                assertThat(answer.columns()).as("columns of panel %s", t.getKey()).isEqualTo(COLUMNS.get(t.getKey()));
                assertThat(answer.rows()).as("rows of panel %s", t.getKey()).isNotEmpty();
            }
            // A few values, worked out from the buckets sent.
            assertThat(run(c, targets.get(1).path("rawSql").asText(), true).rows())
                    .filteredOn(r -> r.get("metric").equals(client)).extracting(r -> r.get("avg"))
                    .containsExactly(25.5, 6.0);
            assertThat(run(c, targets.get(5).path("rawSql").asText(), true).rows())
                    .filteredOn(r -> r.get("metric").equals(city))
                    .extracting(r -> r.get("min"), r -> r.get("max")).containsExactly(tuple(80.0, 91.5));
            assertThat(run(c, targets.get(7).path("rawSql").asText(), false).rows())
                    .extracting(r -> r.get("client"), r -> r.get("late"), r -> r.get("final"))
                    .contains(tuple(client, 1L, true));
        }
    }

    @Test
    void weeklyTripsSumTheDaysOfEachIsoWeek() throws Exception {
        String sql = targets().get(4).path("rawSql").asText();
        try (Connection c = ViewsDatabase.connect()) {
            List<Map<String, Object>> rows = run(c, sql, true).rows().stream()
                    .filter(r -> ((String) r.get("metric")).startsWith("dash-region-")).toList();
            // 2022-03-08 and 03-09 are a Tuesday and a Wednesday of the ISO week from Monday 2022-03-07
            assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(((Timestamp) r.get("time"))
                    .toInstant()).isEqualTo(Instant.parse("2022-03-07T00:00:00Z")));
            assertThat(rows).extracting(r -> r.get("trips")).contains(BigDecimal.valueOf(3));
        }
    }

    @Test
    void theClientVariableListsTheClients() throws Exception {
        JsonNode variable = null;
        for (JsonNode v : dashboard().path("templating").path("list")) {
            if (v.path("name").asText().equals("client")) {
                variable = v;
            }
        }
        assertThat(variable).isNotNull();
        try (Connection c = ViewsDatabase.connect()) {
            assertThat(run(c, variable.path("query").asText(), false).rows()).extracting(r -> r.values().iterator().next())
                    .contains(client, otherClient);
        }
    }

    @Test
    void aRenamedViewColumnFailsThePanelsThatReadIt() throws Exception {
        String sql = targets().get(1).path("rawSql").asText();
        try (Connection c = ViewsDatabase.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER VIEW pulse_values RENAME COLUMN \"avg\" TO average");
                assertThatThrownBy(() -> run(c, sql, true)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("avg");
            } finally {
                c.rollback();
            }
        }
    }
}
