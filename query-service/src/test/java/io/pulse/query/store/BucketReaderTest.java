package io.pulse.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.query.series.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Which table answers which question: a roll-up only where its units never straddle a point; and which groups a
 * filter names outright.
 */
class BucketReaderTest {

    private static final Instant MIDNIGHT = Instant.parse("2025-06-01T00:00:00Z");

    private static Metric metric(Duration granularity) {
        return new Metric("m", "e", "v", null, List.of("g"), granularity, Duration.ZERO,
                List.of(Aggregation.AVG, Aggregation.fromWireName("p99").orElseThrow()), null);
    }

    private static Optional<Rollup> table(Duration granularity, String agg, Duration step, Duration window, Instant from) {
        return BucketReader.coarsest(Requests.every(metric(granularity), Aggregation.fromWireName(agg).orElseThrow(),
                step, window, from, from.plus(Duration.ofDays(30)), List.of(), Map.of()));
    }

    @Test
    void theCoarsestRollUpWhoseUnitsFitEveryPoint() {
        Duration minute = Duration.ofMinutes(1);
        assertThat(table(minute, "avg", Duration.ofMinutes(1), null, MIDNIGHT)).isEmpty();
        assertThat(table(minute, "avg", Duration.ofHours(1), null, MIDNIGHT)).contains(Rollup.HOUR);
        assertThat(table(minute, "avg", Duration.ofDays(7), null, MIDNIGHT)).contains(Rollup.DAY);
        assertThat(table(minute, "avg", Duration.ofHours(1), Duration.ofHours(1), MIDNIGHT)).contains(Rollup.HOUR);
        assertThat(table(minute, "avg", Duration.ofDays(1), Duration.ofHours(36), MIDNIGHT)).contains(Rollup.HOUR);
        // a point or a window boundary inside a unit
        assertThat(table(minute, "avg", Duration.ofHours(1), null, MIDNIGHT.plusSeconds(60))).isEmpty();
        assertThat(table(minute, "avg", Duration.ofHours(1), Duration.ofMinutes(90), MIDNIGHT)).isEmpty();
        // quantiles merge sketches, which only the buckets keep
        assertThat(table(minute, "p99", Duration.ofDays(1), null, MIDNIGHT)).isEmpty();
        // buckets as large as the unit, or not dividing it, are read as they are
        assertThat(table(Duration.ofDays(1), "avg", Duration.ofDays(7), null, MIDNIGHT)).isEmpty();
        assertThat(table(Duration.ofMinutes(45), "avg", Duration.ofHours(3), null, MIDNIGHT)).isEmpty();
        assertThat(table(Duration.ofMinutes(45), "avg", Duration.ofDays(3), null, MIDNIGHT)).contains(Rollup.DAY);
    }

    private static Optional<List<String>> named(List<String> groupBy, Map<String, Set<String>> where) {
        Metric metric = new Metric("m", "e", "v", null, groupBy, Duration.ofMinutes(1), Duration.ZERO,
                List.of(Aggregation.AVG), null);
        return BucketReader.namedGroups(Requests.every(metric, Aggregation.AVG, Duration.ofMinutes(1), null, MIDNIGHT,
                MIDNIGHT.plus(Duration.ofDays(1)), List.of(), where));
    }

    @Test
    void aFilterOnEveryGroupFieldNamesItsGroupsAsTheyAreStored() {
        assertThat(named(List.of("client_name"), Map.of("client_name", Set.of("airliberty"))))
                .contains(List.of("{\"client_name\":\"airliberty\"}"));
        // fields in key order, every combination of the values
        assertThat(named(List.of("shop", "country"), Map.of("shop", Set.of("s1", "s2"), "country", Set.of("fr"))).orElseThrow())
                .containsExactlyInAnyOrder("{\"country\":\"fr\",\"shop\":\"s1\"}", "{\"country\":\"fr\",\"shop\":\"s2\"}");
        // quotes in a value are escaped as the stored JSON escapes them
        assertThat(named(List.of("g"), Map.of("g", Set.of("a\"b")))).contains(List.of("{\"g\":\"a\\\"b\"}"));
    }

    @Test
    void aFilterLeavingAFieldOpenOrNamingTooManyGroupsIsResolvedByAQuery() {
        assertThat(named(List.of("shop", "country"), Map.of("shop", Set.of("s1")))).isEmpty();
        Set<String> many = IntStream.range(0, 40).mapToObj(i -> "v" + i).collect(Collectors.toSet());
        assertThat(named(List.of("shop", "country"), Map.of("shop", many, "country", many))).isEmpty(); // 1,600 groups
        assertThat(named(List.of("shop", "country"), Map.of("shop", many, "country", Set.of("a", "b")))).get()
                .asList().hasSize(80);
    }
}
