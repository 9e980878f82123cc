package io.pulse.common.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket bounds; expected instants are written out by hand (and agree with Python's zoneinfo). */
class MetricTest {

    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    private static Metric metric(Duration granularity, ZoneId zone) {
        return new Metric("m", "t", null, null, List.of(), granularity, Duration.ZERO, List.of(Aggregation.COUNT), null,
                zone);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static Instant start(Metric m, String instant) {
        return Instant.ofEpochMilli(m.bucketStart(ms(instant)));
    }

    private static Instant end(Metric m, String instant) {
        return Instant.ofEpochMilli(m.bucketEnd(m.bucketStart(ms(instant))));
    }

    @Test
    void withoutZoneBucketsAreAlignedToTheEpochAndLastTheGranularity() {
        Metric m = new Metric("m", "t", null, null, List.of(), Duration.ofDays(1), Duration.ZERO,
                List.of(Aggregation.COUNT), null);
        assertThat(m.zone()).isNull();
        assertThat(m.bucketZone()).isEmpty();
        assertThat(start(m, "2026-10-25T23:30:00Z")).isEqualTo("2026-10-25T00:00:00Z");
        assertThat(end(m, "2026-10-25T23:30:00Z")).isEqualTo("2026-10-26T00:00:00Z");
        assertThat(m.shortestBucket()).isEqualTo(86_400_000L);
        assertThat(m.longestBucket()).isEqualTo(86_400_000L);
        Metric fiveMinutes = metric(Duration.ofMinutes(5), null);
        assertThat(start(fiveMinutes, "2026-03-29T01:07:00Z")).isEqualTo("2026-03-29T01:05:00Z");
        assertThat(end(fiveMinutes, "2026-03-29T01:07:00Z")).isEqualTo("2026-03-29T01:10:00Z");
    }

    @Test
    void lisbonSpringForwardDayLasts23Hours() {
        Metric m = metric(Duration.ofDays(1), LISBON);
        // 2026-03-29: WET (+00:00) until 01:00Z, then WEST (+01:00)
        assertThat(start(m, "2026-03-29T00:00:00Z")).isEqualTo("2026-03-29T00:00:00Z");
        assertThat(start(m, "2026-03-29T22:59:59.999Z")).isEqualTo("2026-03-29T00:00:00Z");
        assertThat(end(m, "2026-03-29T12:00:00Z")).isEqualTo("2026-03-29T23:00:00Z");
        // 23:00Z is already 00:00 of the 30th in Lisbon
        assertThat(start(m, "2026-03-29T23:00:00Z")).isEqualTo("2026-03-29T23:00:00Z");
        assertThat(start(m, "2026-03-29T23:30:00Z")).isEqualTo("2026-03-29T23:00:00Z");
        assertThat(end(m, "2026-03-29T23:30:00Z")).isEqualTo("2026-03-30T23:00:00Z");
        // the day before, still in winter time
        assertThat(start(m, "2026-03-28T23:59:59Z")).isEqualTo("2026-03-28T00:00:00Z");
        assertThat(end(m, "2026-03-28T23:59:59Z")).isEqualTo("2026-03-29T00:00:00Z");
    }

    @Test
    void lisbonFallBackDayLasts25Hours() {
        Metric m = metric(Duration.ofDays(1), LISBON);
        // 2026-10-25: WEST (+01:00) until 01:00Z, then WET (+00:00)
        assertThat(start(m, "2026-10-24T23:00:00Z")).isEqualTo("2026-10-24T23:00:00Z");
        assertThat(start(m, "2026-10-24T23:30:00Z")).isEqualTo("2026-10-24T23:00:00Z");
        assertThat(start(m, "2026-10-25T23:30:00Z")).isEqualTo("2026-10-24T23:00:00Z");
        assertThat(end(m, "2026-10-25T23:30:00Z")).isEqualTo("2026-10-26T00:00:00Z");
        assertThat(start(m, "2026-10-26T00:00:00Z")).isEqualTo("2026-10-26T00:00:00Z");
        // 22:59Z on the 24th is 23:59 of the 24th in Lisbon
        assertThat(start(m, "2026-10-24T22:59:00Z")).isEqualTo("2026-10-23T23:00:00Z");
        assertThat(end(m, "2026-10-24T22:59:00Z")).isEqualTo("2026-10-24T23:00:00Z");
    }

    @Test
    void kolkataDaysStartAt1830Utc() {
        for (ZoneId zone : List.of(ZoneId.of("Asia/Kolkata"), ZoneOffset.of("+05:30"))) {
            Metric m = metric(Duration.ofDays(1), zone);
            assertThat(start(m, "2026-01-15T12:00:00Z")).isEqualTo("2026-01-14T18:30:00Z");
            assertThat(end(m, "2026-01-15T12:00:00Z")).isEqualTo("2026-01-15T18:30:00Z");
            assertThat(start(m, "2026-01-15T18:29:59.999Z")).isEqualTo("2026-01-14T18:30:00Z");
            assertThat(start(m, "2026-01-15T18:30:00Z")).isEqualTo("2026-01-15T18:30:00Z");
        }
    }

    @Test
    void sevenDayBucketsStartOnTheLocalMidnightOfEveryseventhDaySinceTheEpoch() {
        Metric m = metric(Duration.ofDays(7), LISBON);
        // 2026-10-25 is epoch day 20751; 20751 = 7 × 2964 + 3, so its bucket starts on epoch day 20748, Thursday
        // 2026-10-22 (WEST), and ends on Thursday 2026-10-29 (WET): 7 days and an hour
        assertThat(start(m, "2026-10-25T12:00:00Z")).isEqualTo("2026-10-21T23:00:00Z");
        assertThat(end(m, "2026-10-25T12:00:00Z")).isEqualTo("2026-10-29T00:00:00Z");
        assertThat(start(m, "2026-10-21T23:00:00Z")).isEqualTo("2026-10-21T23:00:00Z");
        assertThat(start(m, "2026-10-21T22:59:59.999Z")).isEqualTo("2026-10-14T23:00:00Z");
        assertThat(start(m, "2026-10-28T23:59:59.999Z")).isEqualTo("2026-10-21T23:00:00Z");
        assertThat(start(m, "2026-10-29T00:00:00Z")).isEqualTo("2026-10-29T00:00:00Z");
        assertThat(m.shortestBucket()).isEqualTo(Duration.ofDays(6).toMillis());
        assertThat(m.longestBucket()).isEqualTo(Duration.ofDays(8).toMillis());
    }

    @Test
    void bucketsBeforeTheEpochFloorToo() {
        Metric m = metric(Duration.ofDays(7), ZoneOffset.UTC);
        // 1969-12-31 is epoch day -1, in the bucket of days -7 to -1: 1969-12-25 to 1970-01-01
        assertThat(start(m, "1969-12-31T12:00:00Z")).isEqualTo("1969-12-25T00:00:00Z");
        assertThat(end(m, "1969-12-31T12:00:00Z")).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void zoneNeedsAGranularityOfWholeDays() {
        assertThatThrownBy(() -> metric(Duration.ofHours(1), LISBON)).isInstanceOf(IllegalArgumentException.class);
    }
}
