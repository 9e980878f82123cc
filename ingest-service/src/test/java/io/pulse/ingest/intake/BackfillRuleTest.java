package io.pulse.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values worked by hand: a bucket closes at its start + granularity + allowed lateness. */
class BackfillRuleTest {

    private static final long RECEIVED = at("2026-11-23T00:10:00Z");

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static Metric metric(Duration granularity, Duration lateness) {
        return new Metric("m", "t", null, null, List.of(), granularity, lateness, List.of(Aggregation.COUNT), null);
    }

    @Test
    void anEventIsBackfillOnceItsBucketsEndPlusLatenessHasPassed() {
        // one minute, five minutes late: the bucket [00:04, 00:05) closes at 00:10:00, when this request came
        BackfillRule rule = new BackfillRule(List.of(metric(Duration.ofMinutes(1), Duration.ofMinutes(5))));
        assertThat(rule.isBackfill(at("2026-11-23T00:04:00Z"), RECEIVED)).isTrue();
        assertThat(rule.isBackfill(at("2026-11-23T00:04:59.999Z"), RECEIVED)).isTrue();
        assertThat(rule.isBackfill(at("2018-12-26T18:11:08Z"), RECEIVED)).isTrue();
        // [00:05, 00:06) closes at 00:11:00: still open
        assertThat(rule.isBackfill(at("2026-11-23T00:05:00Z"), RECEIVED)).isFalse();
        assertThat(rule.isBackfill(at("2026-11-23T00:10:00Z"), RECEIVED)).isFalse();
    }

    @Test
    void closedForAnyOfItsMetricsIsEnough() {
        BackfillRule rule = new BackfillRule(List.of(metric(Duration.ofDays(1), Duration.ofDays(31)),
                metric(Duration.ofHours(1), Duration.ofHours(1))));
        // hourly [22:00, 23:00) closed at 00:00; the day of 11-22 stays open until 12-24
        assertThat(rule.isBackfill(at("2026-11-22T22:30:00Z"), RECEIVED)).isTrue();
        // hourly [23:00, 00:00) closes at 01:00
        assertThat(rule.isBackfill(at("2026-11-22T23:30:00Z"), RECEIVED)).isFalse();
        // the day of 10-22 closed at 11-23 00:00 (1 + 31 days after its start)
        assertThat(new BackfillRule(List.of(metric(Duration.ofDays(1), Duration.ofDays(31))))
                .isBackfill(at("2026-10-22T12:00:00Z"), RECEIVED)).isTrue();
        assertThat(new BackfillRule(List.of(metric(Duration.ofDays(1), Duration.ofDays(31))))
                .isBackfill(at("2026-10-23T00:00:00Z"), RECEIVED)).isFalse();
    }

    @Test
    void aZonedDayClosesAtItsLocalMidnightPlusLateness() {
        // 2026-10-25 in Lisbon lasts 25 hours: 2026-10-24T23:00Z to 2026-10-26T00:00Z; an hour late, it closes 01:00Z
        BackfillRule rule = new BackfillRule(List.of(new Metric("m", "t", null, null, List.of(), Duration.ofDays(1),
                Duration.ofHours(1), List.of(Aggregation.COUNT), null, ZoneId.of("Europe/Lisbon"))));
        assertThat(rule.isBackfill(at("2026-10-25T23:30:00Z"), at("2026-10-26T00:59:59.999Z"))).isFalse();
        assertThat(rule.isBackfill(at("2026-10-25T23:30:00Z"), at("2026-10-26T01:00:00Z"))).isTrue();
        // 23:30Z on the 24th is 00:30 on the 25th in Lisbon: the same day, not the UTC day that closed at 2026-10-25T01:00Z
        assertThat(rule.isBackfill(at("2026-10-24T23:30:00Z"), at("2026-10-25T12:00:00Z"))).isFalse();
    }

    @Test
    void withoutMetricsNothingIsBackfill() {
        assertThat(new BackfillRule(List.of()).isBackfill(at("2018-12-26T18:11:08Z"), RECEIVED)).isFalse();
    }
}
