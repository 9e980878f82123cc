package io.pulse.common.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * A windowed metric over one event type.
 *
 * @param name            the metric name used in the query API
 * @param from            the event type it reads
 * @param valueField      the numeric field aggregated; null for a pure count
 * @param distinctField   the field whose distinct values are counted; null if none
 * @param groupBy         the fields whose values split the metric into groups, possibly none
 * @param granularity     the bucket size; buckets are aligned to the epoch, unless {@code zone} is given
 * @param allowedLateness how long after a bucket ends it becomes final; later events count in it as late ones
 * @param aggregations    what queries may ask for
 * @param retention       how long (wall-clock) stored buckets are kept by the query service; null for ever
 * @param zone            for a granularity of whole days: the zone whose local midnight starts the buckets, so a
 *                        bucket lasts that many local days (a day of 23 or 25 hours across a daylight-saving change);
 *                        null for buckets of exactly {@code granularity}, aligned to the epoch
 * @param sinkTopics      the Kafka topics each bucket is published to when it becomes final and at each later
 *                        revision; none if empty
 */
public record Metric(String name, String from, String valueField, String distinctField, List<String> groupBy,
                     Duration granularity, Duration allowedLateness, List<Aggregation> aggregations,
                     Duration retention, ZoneId zone, List<String> sinkTopics) {

    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    public Metric {
        if (zone != null && (granularity.toMillis() % DAY_MILLIS != 0 || granularity.toMillis() <= 0)) {
            throw new IllegalArgumentException("a zone applies only to a granularity of whole days, not " + granularity);
        }
    }

    /** A metric published to no topic. */
    public Metric(String name, String from, String valueField, String distinctField, List<String> groupBy,
                  Duration granularity, Duration allowedLateness, List<Aggregation> aggregations, Duration retention,
                  ZoneId zone) {
        this(name, from, valueField, distinctField, groupBy, granularity, allowedLateness, aggregations, retention, zone,
                List.of());
    }

    /** A metric whose buckets are aligned to the epoch. */
    public Metric(String name, String from, String valueField, String distinctField, List<String> groupBy,
                  Duration granularity, Duration allowedLateness, List<Aggregation> aggregations, Duration retention) {
        this(name, from, valueField, distinctField, groupBy, granularity, allowedLateness, aggregations, retention, null);
    }

    public Optional<Duration> retentionPeriod() {
        return Optional.ofNullable(retention);
    }

    public Optional<String> value() {
        return Optional.ofNullable(valueField);
    }

    public Optional<String> distinct() {
        return Optional.ofNullable(distinctField);
    }

    /** The zone whose local midnight starts the buckets; empty when they are aligned to the epoch. */
    public Optional<ZoneId> bucketZone() {
        return Optional.ofNullable(zone);
    }

    /** Whether buckets of this metric carry a quantile sketch. */
    public boolean keepsQuantiles() {
        return aggregations.stream().anyMatch(a -> a.kind() == Aggregation.Kind.QUANTILE);
    }

    /**
     * The start of the bucket holding an instant given in epoch milliseconds: a multiple of the granularity since the
     * epoch; with a zone, the start of the instant's local date in it, counted in days since 1970-01-01 and floored
     * to a multiple of the granularity's days.
     */
    public long bucketStart(long epochMillis) {
        if (zone == null) {
            long size = granularity.toMillis();
            return Math.floorDiv(epochMillis, size) * size;
        }
        return startOfDay(firstDay(epochMillis));
    }

    /**
     * The end of the bucket starting at {@code start} (a {@link #bucketStart}), exclusive: the next bucket's start.
     * Without a zone it is {@code start + granularity}; with one, the start of the local date that many days later.
     */
    public long bucketEnd(long start) {
        if (zone == null) {
            return start + granularity.toMillis();
        }
        return startOfDay(firstDay(start) + days());
    }

    /**
     * A bound no bucket is shorter than. With a zone, a bucket of n local days lasts n × 24 h less the change of the
     * zone's UTC offset across it: an hour for daylight saving, and in the time-zone database never more than a whole
     * day (a zone moving across the date line, such as Pacific/Kwajalein in 1993, skipped a day: a local day of 0 h).
     */
    public long shortestBucket() {
        return zone == null ? granularity.toMillis() : granularity.toMillis() - DAY_MILLIS;
    }

    /**
     * A bound no bucket is longer than. With a zone, granularity plus a day, for the reason {@link #shortestBucket}
     * gives (a zone moving the other way across the date line repeated a day: Pacific/Pago_Pago's local day of 48 h
     * in 1892).
     */
    public long longestBucket() {
        return zone == null ? granularity.toMillis() : granularity.toMillis() + DAY_MILLIS;
    }

    private long days() {
        return granularity.toMillis() / DAY_MILLIS;
    }

    /** The first local date, as an epoch day, of the bucket holding the instant. */
    private long firstDay(long epochMillis) {
        long epochDay = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone).toEpochDay();
        return Math.floorDiv(epochDay, days()) * days();
    }

    /** The first instant of a local date in the zone: midnight, or the end of a gap that midnight falls in. */
    private long startOfDay(long epochDay) {
        return LocalDate.ofEpochDay(epochDay).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
