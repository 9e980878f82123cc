package io.pulse.aggregation.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pulse.common.Topics;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.LateEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology driven without a broker, in both record time and wall-clock time. */
class MetricsTopologyTest {

    private static final Instant BASE = Instant.parse("2018-12-26T18:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration EMIT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, CanonicalEvent> events;
    private TestOutputTopic<String, String> aggregates;
    private TestOutputTopic<String, String> late;
    private TestOutputTopic<String, String> dlq;
    private TestOutputTopic<String, String> duplicates;

    /**
     * delivery_time as bundled (by the partition key) with quantiles; by_language grouped by another field (the
     * repartitioning path); clients counting distinct clients.
     */
    private Pipeline pipeline() throws IOException {
        return pipeline("""
                  delivery_time:
                    from: translation_delivered
                    value: duration
                    group-by: [client_name]
                    granularity: 1m
                    allowed-lateness: 5m
                    aggregations: [count, sum, avg, min, max, p50, p99]
                  by_language:
                    from: translation_delivered
                    value: duration
                    group-by: [target_language]
                    granularity: 5m
                  clients:
                    from: translation_delivered
                    distinct: client_name
                    granularity: 1h
                """);
    }

    private Pipeline pipeline(String metrics) throws IOException {
        return TopologyFixture.translationDelivered(dir, metrics);
    }

    @BeforeEach
    void start() throws IOException {
        drive(pipeline());
    }

    /** Drives the topology of {@code pipeline}, in place of the one driven so far. */
    private void drive(Pipeline pipeline) {
        if (driver != null) {
            driver.close();
        }
        driver = TopologyFixture.driver(pipeline, new TopologySettings(EMIT, Duration.ofHours(1), Duration.ofMinutes(5)),
                NOW, registry, dir);
        events = driver.createInputTopic(Topics.events("translation_delivered"), Serdes.String().serializer(),
                MetricsTopology.EVENTS.serializer());
        aggregates = driver.createOutputTopic(Topics.AGGREGATES, Serdes.String().deserializer(), Serdes.String().deserializer());
        late = driver.createOutputTopic(Topics.LATE, Serdes.String().deserializer(), Serdes.String().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.String().deserializer(), Serdes.String().deserializer());
        duplicates = driver.createOutputTopic(Topics.DUPLICATES, Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private record Sent(String id, String client, Instant ts, double duration, String language) {
    }

    private int ids;

    private Sent send(String client, Instant ts, double duration) {
        return send(new Sent("id-" + ids++, client, ts, duration, "fr"));
    }

    private Sent send(Sent e) {
        var attrs = JsonNodeFactory.instance.objectNode().put("client_name", e.client()).put("duration", e.duration())
                .put("target_language", e.language()).put("translation_id", e.id());
        // The record timestamp is arrival time; windows must follow the event's own ts.
        events.pipeInput(e.client(), new CanonicalEvent(e.id(), "translation_delivered", e.ts().toEpochMilli(), attrs), NOW);
        return e;
    }

    private void tick() {
        driver.advanceWallClockTime(EMIT);
    }

    private final List<BucketUpdate> publishedSoFar = new ArrayList<>();

    /** The last published value of every bucket of a metric, by "group value@start". */
    private Map<String, BucketUpdate> published(String metric, String field) {
        aggregates.readValuesToList().forEach(v -> publishedSoFar.add(Json.read(v, BucketUpdate.class)));
        return publishedSoFar.stream()
                .filter(u -> u.metric().equals(metric))
                .collect(Collectors.toMap(u -> u.group().get(field) + "@" + u.start(), u -> u, (a, b) -> b));
    }

    private double counter(String name, String... tags) {
        return registry.counter(name, tags).count();
    }

    @Test
    void bucketsEqualABruteForceComputationOnBothGroupingPaths() {
        Random random = new Random(42);
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // In order, a few seconds apart, over three clients: no event is late.
            Instant ts = BASE.plusMillis(i * 3_000L + random.nextInt(3_000));
            sent.add(send(new Sent("id-" + i, "client-" + random.nextInt(3), ts, random.nextInt(1000) / 10.0,
                    List.of("fr", "de", "pt").get(random.nextInt(3)))));
            if (i % 50 == 0) {
                tick();
            }
        }
        tick();
        List<String> values = aggregates.readValuesToList();
        checkBuckets(values, "delivery_time", sent, Sent::client, "client_name", Duration.ofMinutes(1));
        checkBuckets(values, "by_language", sent, Sent::language, "target_language", Duration.ofMinutes(5));
        assertThat(counter("pulse.aggregation.events", "metric", "delivery_time", "outcome", "aggregated")).isEqualTo(500);
        assertThat(late.isEmpty()).isTrue();
    }

    private static void checkBuckets(List<String> values, String metric, List<Sent> sent, Function<Sent, String> groupOf,
                                     String field, Duration size) {
        Map<String, BucketUpdate> actual = values.stream().map(v -> Json.read(v, BucketUpdate.class))
                .filter(u -> u.metric().equals(metric))
                .collect(Collectors.toMap(u -> u.group().get(field) + "@" + u.start(), u -> u, (a, b) -> b));
        Map<String, DoubleSummaryStatistics> expected = sent.stream().collect(Collectors.groupingBy(
                e -> groupOf.apply(e) + "@" + Instant.ofEpochMilli(Math.floorDiv(e.ts().toEpochMilli(), size.toMillis()) * size.toMillis()),
                Collectors.summarizingDouble(Sent::duration)));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, stats) -> {
            BucketUpdate u = actual.get(key);
            assertThat(u.group()).containsOnlyKeys(field);
            assertThat(u.bucket().count()).as(key).isEqualTo(stats.getCount());
            assertThat(u.bucket().sum()).as(key).isCloseTo(stats.getSum(), within(1e-9));
            assertThat(u.bucket().min()).as(key).isEqualTo(stats.getMin());
            assertThat(u.bucket().max()).as(key).isEqualTo(stats.getMax());
            assertThat(Duration.between(u.start(), u.end())).isEqualTo(size);
        });
    }

    @Test
    void lateEventsCountInTheBucketTheyMissedAsLateAndACopyGoesToTheLateTopic() {
        send("a", BASE.plusSeconds(10), 20);                  // bucket 18:00
        send("a", BASE.plusSeconds(4 * 60 + 30), 31);         // stream time 18:04:30
        send("a", BASE.plusSeconds(20), 40);                  // 18:00 ends 18:01; 18:04:30 ≤ 18:06: on time
        send("a", BASE.plusSeconds(7 * 60), 54);              // stream time 18:07 > 18:06: bucket 18:00 is final
        send("a", BASE.plusSeconds(30), 1000);                // late for 18:00, counted in it all the same
        tick();

        BucketUpdate first = published("delivery_time", "client_name").get("a@" + BASE);
        assertThat(first.bucket().count()).isEqualTo(3);
        assertThat(first.bucket().sum()).isEqualTo(1060.0);
        assertThat(first.bucket().max()).isEqualTo(1000.0);
        assertThat(first.bucket().late()).isEqualTo(1);
        assertThat(first.bucket().revised()).isTrue();
        assertThat(first.isFinal()).isTrue();
        assertThat(first.isRevision()).isFalse();               // still kept: its value is published whole

        List<LateEvent> lateEvents = late.readValuesToList().stream().map(v -> Json.read(v, LateEvent.class)).toList();
        // Every metric whose bucket closed counts it: delivery_time (1m + 5m) only; by_language (5m buckets, no
        // lateness) closed 18:00–18:05 at 18:05 too.
        assertThat(lateEvents).extracting(LateEvent::metric).containsExactlyInAnyOrder("delivery_time", "by_language");
        LateEvent missed = lateEvents.stream().filter(l -> l.metric().equals("delivery_time")).findFirst().orElseThrow();
        assertThat(missed.bucketStart()).isEqualTo(BASE);
        assertThat(missed.bucketEnd()).isEqualTo(BASE.plusSeconds(60));
        assertThat(missed.event().attrs().path("duration").asDouble()).isEqualTo(1000);
        assertThat(missed.streamTime()).isEqualTo(BASE.plusSeconds(7 * 60));
        assertThat(counter("pulse.aggregation.events", "metric", "delivery_time", "outcome", "late")).isEqualTo(1);
    }

    @Test
    void aLateEventForABucketLetGoIsPublishedAsARevisionNamedByItsRecord() {
        send("a", BASE.plusSeconds(10), 20);                  // bucket 18:00, offset 0
        send("a", BASE.plusSeconds(20 * 60), 31);             // the clock at 18:20: 18:00 is final and let go
        tick();
        tick();
        assertThat(published("delivery_time", "client_name").get("a@" + BASE).isFinal()).isTrue();
        send("a", BASE.plusSeconds(30), 5);                   // offset 2: opens a revision of 18:00
        send("a", BASE.plusSeconds(40), 7);                   // joins it
        tick();
        send("a", BASE.plusSeconds(50), 9);                   // offset 4: after the publication, a new revision
        tick();

        aggregates.readRecordsToList().forEach(r -> publishedSoFar.add(Json.read(r.value(), BucketUpdate.class)));
        List<BucketUpdate> revisions = publishedSoFar.stream()
                .filter(u -> u.metric().equals("delivery_time") && u.isRevision()).toList();
        assertThat(revisions).extracting(BucketUpdate::revision)
                .containsExactly("events.translation_delivered-0@2", "events.translation_delivered-0@4");
        BucketUpdate first = revisions.get(0);
        assertThat(first.start()).isEqualTo(BASE);
        assertThat(first.isFinal()).isTrue();
        assertThat(first.bucket().count()).isEqualTo(2);
        assertThat(first.bucket().sum()).isEqualTo(12.0);
        assertThat(first.bucket().min()).isEqualTo(5.0);
        assertThat(first.bucket().late()).isEqualTo(2);
        assertThat(first.bucket().revised()).isTrue();
        assertThat(first.bucket().quantiles().quantile(0.5)).isEqualTo(5.0);
        assertThat(first.recordKey()).isNotEqualTo(first.partitionKey()).contains("\"revision\"");
        // The bucket's own value is never published again: it would replace what the store merged.
        assertThat(publishedSoFar.stream().filter(u -> u.metric().equals("delivery_time") && !u.isRevision()
                && u.start().equals(BASE))).allMatch(u -> u.bucket().count() == 1);
        assertThat(late.readValuesToList()).hasSize(3 * 2);   // delivery_time's and by_language's copies
    }

    /**
     * Random events of random ages in random order, some days behind the clock, some minutes, with publications and
     * quiet spells in between: folding what was published as the store does (a value replaces, a revision adds once)
     * gives every bucket of every metric exactly as a computation over all events.
     */
    @Test
    void everyEventCountsOnceInItsBucketWhateverItsAgeOrOrder() {
        Random random = new Random(7);
        List<Sent> sent = new ArrayList<>();
        Instant newest = BASE;
        for (int i = 0; i < 600; i++) {
            Instant ts = switch (random.nextInt(4)) {
                case 0 -> newest.plusSeconds(random.nextInt(30));                       // in order
                case 1 -> newest.minusSeconds(random.nextInt(10 * 60));                 // minutes behind
                case 2 -> BASE.minus(Duration.ofDays(2)).plusSeconds(random.nextInt(3 * 86_400)); // history
                default -> newest.minusSeconds(random.nextInt(3600));                   // up to an hour behind
            };
            newest = ts.isAfter(newest) ? ts : newest;
            sent.add(send(new Sent("id-" + i, "client-" + random.nextInt(4), ts, random.nextInt(1000) / 10.0,
                    List.of("fr", "de", "pt").get(random.nextInt(3)))));
            if (random.nextInt(40) == 0) {
                tick();
            }
            if (random.nextInt(400) == 0) {
                driver.advanceWallClockTime(Duration.ofMinutes(random.nextInt(20)));
            }
        }
        tick();
        driver.advanceWallClockTime(Duration.ofHours(1));
        tick();

        Map<String, BucketUpdate> stored = new java.util.HashMap<>();
        java.util.Set<String> merged = new java.util.HashSet<>();
        for (String value : aggregates.readValuesToList()) {
            BucketUpdate u = Json.read(value, BucketUpdate.class);
            String key = u.metric() + u.group() + u.start();
            if (!u.isRevision()) {
                stored.put(key, u);
            } else if (merged.add(key + u.revision())) {
                stored.merge(key, u, (a, b) -> new BucketUpdate(a.metric(), a.group(), a.start(), a.end(),
                        a.bucket().merge(b.bucket()), true, b.updatedAt()));
            }
        }
        List<String> values = stored.values().stream().map(Json::writeString).toList();
        checkBuckets(values, "delivery_time", sent, Sent::client, "client_name", Duration.ofMinutes(1));
        checkBuckets(values, "by_language", sent, Sent::language, "target_language", Duration.ofMinutes(5));
        Map<Instant, Long> clientsPerHour = sent.stream().collect(Collectors.groupingBy(
                e -> e.ts().truncatedTo(java.time.temporal.ChronoUnit.HOURS),
                Collectors.collectingAndThen(Collectors.mapping(Sent::client, Collectors.toSet()), set -> (long) set.size())));
        Map<Instant, Long> distinct = stored.values().stream().filter(u -> u.metric().equals("clients"))
                .collect(Collectors.toMap(BucketUpdate::start, u -> Math.round(u.bucket().distinct().estimate())));
        assertThat(distinct).isEqualTo(clientsPerHour);

        double lateCount = counter("pulse.aggregation.events", "metric", "delivery_time", "outcome", "late");
        assertThat(lateCount).isGreaterThan(100);               // most history came after its buckets were final
        assertThat(stored.values().stream().filter(u -> u.metric().equals("delivery_time"))
                .mapToLong(u -> u.bucket().late()).sum()).isEqualTo((long) lateCount);
        assertThat(counter("pulse.aggregation.events", "metric", "delivery_time", "outcome", "aggregated") + lateCount)
                .isEqualTo(600);
    }

    /** Daily buckets on Lisbon's midnight, final an hour after they end. */
    private static final String LISBON_DAYS = """
              daily:
                from: translation_delivered
                value: duration
                group-by: [client_name]
                granularity: 1d
                zone: Europe/Lisbon
                allowed-lateness: 1h
                aggregations: [count, sum]
            """;

    @Test
    void aZonedDayOf25HoursIsOneBucketFinalOnlyAfterItsRealEndAndTheLateness() throws IOException {
        drive(pipeline(LISBON_DAYS));
        // 2026-10-25 in Lisbon: 00:00 WEST (+01:00) = 2026-10-24T23:00Z to 2026-10-26T00:00 WET (+00:00) = 00:00Z
        Instant dayStart = Instant.parse("2026-10-24T23:00:00Z");
        Instant dayEnd = Instant.parse("2026-10-26T00:00:00Z");
        send("a", Instant.parse("2026-10-24T23:30:00Z"), 1);     // 00:30 local on the 25th
        send("a", Instant.parse("2026-10-25T23:30:00Z"), 2);     // 23:30 local on the 25th, 24.5 h after the first
        send("a", Instant.parse("2026-10-26T00:30:00Z"), 4);     // the 26th: clock 00:30Z, before the end + 1 h
        tick();
        BucketUpdate day = published("daily", "client_name").get("a@" + dayStart);
        assertThat(day.end()).isEqualTo(dayEnd);
        assertThat(day.bucket().count()).isEqualTo(2);
        assertThat(day.isFinal()).isFalse();
        send("a", Instant.parse("2026-10-25T12:00:00Z"), 8);     // on time: the day closes at 01:00Z
        send("a", Instant.parse("2026-10-26T00:59:00Z"), 16);
        tick();
        day = published("daily", "client_name").get("a@" + dayStart);
        assertThat(day.bucket().count()).isEqualTo(3);
        assertThat(day.bucket().sum()).isEqualTo(11.0);
        assertThat(day.bucket().late()).isZero();
        assertThat(day.isFinal()).isFalse();
        assertThat(late.isEmpty()).isTrue();

        send("a", Instant.parse("2026-10-26T01:00:00Z"), 32);    // the clock passes 01:00Z with the next publication
        tick();
        day = published("daily", "client_name").get("a@" + dayStart);
        assertThat(day.isFinal()).isTrue();
        assertThat(day.bucket().count()).isEqualTo(3);
        BucketUpdate next = published("daily", "client_name").get("a@" + dayEnd);
        assertThat(next.end()).isEqualTo(Instant.parse("2026-10-27T00:00:00Z"));
        assertThat(next.bucket().count()).isEqualTo(3);
        assertThat(next.isFinal()).isFalse();
        send("a", Instant.parse("2026-10-25T13:00:00Z"), 64);    // now late for the 25th
        tick();
        List<LateEvent> lateEvents = late.readValuesToList().stream().map(v -> Json.read(v, LateEvent.class)).toList();
        assertThat(lateEvents).singleElement().satisfies(l -> {
            assertThat(l.bucketStart()).isEqualTo(dayStart);
            assertThat(l.bucketEnd()).isEqualTo(dayEnd);
        });
    }

    @Test
    void aZonedDayOf23HoursIsFinalAsSoonAsItsRealEndAndTheLatenessHavePassed() throws IOException {
        drive(pipeline(LISBON_DAYS));
        // 2026-03-29 in Lisbon: 00:00 WET (+00:00) = 2026-03-29T00:00Z to 2026-03-30T00:00 WEST (+01:00) = 23:00Z
        Instant dayStart = Instant.parse("2026-03-29T00:00:00Z");
        send("a", Instant.parse("2026-03-29T00:10:00Z"), 1);
        send("a", Instant.parse("2026-03-29T22:50:00Z"), 2);     // 23:50 local
        send("a", Instant.parse("2026-03-29T23:10:00Z"), 4);     // 00:10 local on the 30th: the next day
        send("a", Instant.parse("2026-03-29T23:59:00Z"), 8);
        tick();
        BucketUpdate day = published("daily", "client_name").get("a@" + dayStart);
        assertThat(day.end()).isEqualTo(Instant.parse("2026-03-29T23:00:00Z"));
        assertThat(day.bucket().count()).isEqualTo(2);
        assertThat(day.isFinal()).isFalse();
        assertThat(published("daily", "client_name").get("a@2026-03-29T23:00:00Z").bucket().count()).isEqualTo(2);
        send("a", Instant.parse("2026-03-30T00:00:00Z"), 16);    // the clock passes 23:00Z + 1 h
        tick();
        assertThat(published("daily", "client_name").get("a@" + dayStart).isFinal()).isTrue();
        assertThat(late.isEmpty()).isTrue();
    }

    @Test
    void repeatedIdsAreCountedOnceAndKeptOnTheDuplicatesTopic() {
        Sent first = send("a", BASE.plusSeconds(1), 10);
        send(new Sent(first.id(), "a", first.ts(), 10, "fr"));   // the same event sent again
        send(new Sent(first.id(), "a", first.ts().plusSeconds(5), 99, "fr"));  // a different body, same id
        send("a", BASE.plusSeconds(2), 30);
        tick();
        BucketUpdate bucket = published("delivery_time", "client_name").get("a@" + BASE);
        assertThat(bucket.bucket().count()).isEqualTo(2);
        assertThat(bucket.bucket().sum()).isEqualTo(40.0);
        assertThat(counter("pulse.aggregation.duplicates", "type", "translation_delivered")).isEqualTo(2);
        // a copy of each repeat is kept, as its canonical event
        assertThat(duplicates.readValuesToList().stream().map(v -> Json.read(v, CanonicalEvent.class)))
                .extracting(CanonicalEvent::id, e -> e.attrs().path("duration").asDouble())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first.id(), 10.0),
                        org.assertj.core.groups.Tuple.tuple(first.id(), 99.0));
    }

    @Test
    void onlyAGroupingWithoutThePartitionKeyGoesThroughARepartitionTopic() {
        var settings = new TopologySettings(EMIT, Duration.ofHours(1), Duration.ofMinutes(5));
        String topology = new MetricsTopology(PipelineLoader.load(PipelineLoader.BUNDLED), settings,
                Clock.fixed(NOW, ZoneOffset.UTC), registry).build().describe().toString();
        // trips and similar_trips: by region (the trip's key) and cells, so each group lives on its region's partition
        assertThat(topology).doesNotContain("trips-by-group-repartition").doesNotContain("delivery_time-by-group")
                .doesNotContain("similar_trips-by-group")
                .doesNotContain("heat_index-by-group").doesNotContain("plays-by-group");
        // unique_users: one count over every frame, whatever its user (the frame's key)
        assertThat(topology).contains("unique_users-by-group-repartition");
    }

    @Test
    void repeatedIdsAreFoundAcrossHoursAndOnlyWithinTheHorizon() {
        // the horizon is 1 h; ids are looked up by the hour of event time they fall in, 18:00 being one's start
        Sent nearAnHourEnd = send("a", BASE.plusSeconds(59 * 60 + 50), 10);
        send(new Sent(nearAnHourEnd.id(), "a", nearAnHourEnd.ts().plusSeconds(20), 10, "fr"));     // next hour, 20 s on
        Sent later = send("a", BASE.plusSeconds(70 * 60), 10);
        send(new Sent(later.id(), "a", later.ts().minusSeconds(50 * 60), 10, "fr"));               // the hour before
        Sent apart = send("a", BASE.plusSeconds(90 * 60), 10);
        send(new Sent(apart.id(), "a", apart.ts().plusSeconds(70 * 60), 10, "fr"));                // 70 min on: new
        assertThat(counter("pulse.aggregation.duplicates", "type", "translation_delivered")).isEqualTo(2);
    }

    @Test
    void aQuietPartitionFinalizesItsBucketsByWallClock() {
        send("a", BASE.plusSeconds(10), 20);
        tick();
        assertThat(published("delivery_time", "client_name").get("a@" + BASE).isFinal()).isFalse();
        // No further event: after the bucket's end plus the allowed lateness in wall-clock time, it is final.
        driver.advanceWallClockTime(Duration.ofMinutes(5).plusSeconds(55));
        BucketUpdate last = published("delivery_time", "client_name").get("a@" + BASE);
        assertThat(last.isFinal()).isTrue();
        assertThat(last.bucket().count()).isEqualTo(1);
        // An event for it now is late, although stream time has not passed the bucket.
        send("a", BASE.plusSeconds(50), 70);
        tick();
        BucketUpdate revised = published("delivery_time", "client_name").get("a@" + BASE);
        assertThat(revised.bucket().late()).isEqualTo(1);
        assertThat(revised.bucket().count()).isEqualTo(2);
    }

    @Test
    void sketchesGiveExactDistinctCountsAndQuantiles() {
        double[] durations = new double[100];
        for (int i = 0; i < 100; i++) {
            durations[i] = (i * 37) % 100 + 1;     // 1..100, shuffled
            send("client-" + (i % 7), BASE.plusSeconds(i), durations[i]);
        }
        tick();
        BucketUpdate clients = published("clients", "none").values().iterator().next();
        assertThat(clients.bucket().distinct().estimate()).isEqualTo(7);
        assertThat(clients.bucket().distinct().isExact()).isTrue();

        // Quantiles of one client's minute, against the sorted raw values.
        BucketUpdate c0 = published("delivery_time", "client_name").get("client-0@" + BASE);
        double[] mine = java.util.stream.IntStream.range(0, 60).filter(i -> i % 7 == 0).mapToDouble(i -> durations[i]).sorted().toArray();
        assertThat(c0.bucket().count()).isEqualTo(mine.length);
        assertThat(c0.bucket().quantiles().quantile(0.5)).isEqualTo(mine[(int) Math.ceil(0.5 * mine.length) - 1]);
        assertThat(c0.bucket().quantiles().quantile(0.99)).isEqualTo(Arrays.stream(mine).max().orElseThrow());
    }

    @Test
    void futureEventsGoToTheDeadLetterTopicAndCloseNothing() {
        send("a", BASE.plusSeconds(10), 20);
        send("a", NOW.plus(Duration.ofDays(1)), 99);         // far ahead of the (fixed) clock
        send("a", BASE.plusSeconds(20), 30);                 // still on time: the future event moved no clock
        tick();
        assertThat(published("delivery_time", "client_name").get("a@" + BASE).bucket().count()).isEqualTo(2);
        List<TestRecord<String, String>> records = dlq.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(Json.read(records.get(0).value(), JsonNode.class).path("reasons").path(0).path("field").asText())
                .isEqualTo("/ts");
        // as ingest writes dead letters: keyed by the type, stamped when refused, not with the event's time
        assertThat(records.get(0).key()).isEqualTo("translation_delivered");
        assertThat(records.get(0).getRecordTime()).isEqualTo(NOW);
        assertThat(late.isEmpty()).isTrue();
    }

    @Test
    void poisonRecordsAreDeadLetteredWhereTheyStandAndTheAggregationGoesOn() {
        var raw = driver.createInputTopic(Topics.events("translation_delivered"), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        String event = "{\"id\": \"%s\", \"type\": \"translation_delivered\", \"ts\": "
                + BASE.plusSeconds(15).toEpochMilli() + ", \"attrs\": {\"client_name\": \"a\", \"duration\": %s}}";
        send("a", BASE.plusSeconds(10), 20);
        raw.pipeInput("a", "not JSON at all".getBytes(StandardCharsets.UTF_8), NOW);
        raw.pipeInput("a", new byte[] {(byte) 0xff, (byte) 0xfe, '{'}, NOW);
        raw.pipeInput("a", "{\"id\": \"no-attrs\"}".getBytes(StandardCharsets.UTF_8), NOW);
        raw.pipeInput("a", (byte[]) null, NOW);
        raw.pipeInput("a", event.formatted("too-many-digits", "1".repeat(1001)).getBytes(StandardCharsets.UTF_8), NOW);
        raw.pipeInput("a", event.formatted("infinite", "1e999").getBytes(StandardCharsets.UTF_8), NOW);
        raw.pipeInput("a", event.replace("\"id\": \"%s\", ", "").formatted("20").getBytes(StandardCharsets.UTF_8), NOW);
        send("a", BASE.plusSeconds(20), 30);
        tick();

        BucketUpdate a = published("delivery_time", "client_name").get("a@" + BASE);
        assertThat(a.bucket().count()).isEqualTo(2);
        assertThat(a.bucket().sum()).isEqualTo(50.0);
        List<JsonNode> letters = dlq.readValuesToList().stream().map(v -> Json.read(v, JsonNode.class)).toList();
        assertThat(letters).hasSize(7);
        assertThat(letters).extracting(l -> l.path("type").asText()).containsOnly("translation_delivered");
        // each names the record it replaces: the good events are offsets 0 and 8
        assertThat(letters).extracting(l -> l.path("source").asText()).containsExactly(
                java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(offset ->
                        "aggregation-service events.translation_delivered partition 0 offset " + offset).toArray(String[]::new));
        assertThat(letters.get(0).path("raw").asText()).isEqualTo("not JSON at all");
        assertThat(letters.get(5).path("raw").asText()).as("the record as it was, to be fixed and resent")
                .isEqualTo(event.formatted("infinite", "1e999"));
        for (int i = 0; i < 5; i++) {
            assertThat(letters.get(i).path("reasons").path(0).path("field").asText()).isEmpty();
        }
        assertThat(letters.get(0).path("reasons").path(0).path("message").asText()).startsWith("not a Pulse event: ");
        assertThat(letters.get(3).path("reasons").path(0).path("message").asText()).isEqualTo("an empty record");
        assertThat(letters.get(4).path("reasons").path(0).path("message").asText()).contains("(1001)");
        assertThat(letters.get(5).path("reasons").path(0).path("field").asText()).isEqualTo("/attrs/duration");
        assertThat(letters.get(5).path("reasons").path(0).path("message").asText())
                .isEqualTo("number out of range: larger than a 64-bit floating-point number");
        assertThat(letters.get(6).path("reasons").path(0).path("field").asText()).isEqualTo("/id");
        assertThat(counter("pulse.aggregation.poison.records", "type", "translation_delivered")).isEqualTo(7);
        assertThat(late.isEmpty()).isTrue();
    }
}
