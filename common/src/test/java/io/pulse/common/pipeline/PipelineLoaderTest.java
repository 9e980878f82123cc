package io.pulse.common.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import io.pulse.common.derive.DatePart;
import io.pulse.common.derive.GeohashCell;
import io.pulse.common.derive.HeatIndex;
import io.pulse.common.derive.PointSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {

    @TempDir
    Path dir;

    private static final String SCHEMA = """
            {"type": "object", "properties": {"ts": {"type": "string"}, "client": {"type": "string"},
             "duration": {"type": "number"}, "id": {"type": "string"}}}
            """;

    private Pipeline load(String yaml) throws IOException {
        Files.writeString(dir.resolve("s.schema.json"), SCHEMA);
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        return PipelineLoader.load(file.toString());
    }

    private static String pipeline(String metric) {
        return """
                event-types:
                  delivery:
                    schema: s.schema.json
                    timestamp: {field: ts, formats: [iso]}
                    id: id
                    key: client
                metrics:
                  m:
                    from: delivery
                %s
                """.formatted(metric.indent(4));
    }

    @Test
    void bundledPipelineDeclaresTheTranslationMetric() {
        Pipeline p = PipelineLoader.load(PipelineLoader.BUNDLED);
        Metric m = p.metric("delivery_time").orElseThrow();
        assertThat(m.from()).isEqualTo("translation_delivered");
        assertThat(m.value()).contains("duration");
        assertThat(m.groupBy()).containsExactly("client_name");
        assertThat(m.granularity()).isEqualTo(Duration.ofMinutes(1));
        EventType t = p.eventType("translation_delivered").orElseThrow();
        assertThat(t.timestamp().field()).isEqualTo("timestamp");
        assertThat(t.timestamp().zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(t.key()).contains("client_name");
        assertThat(p.metricsOf("translation_delivered")).extracting(Metric::name).containsExactly("delivery_time");
    }

    @Test
    void bundledPipelineDeclaresFramesAndSongPlays() {
        Pipeline p = PipelineLoader.load(PipelineLoader.BUNDLED);
        Metric users = p.metric("unique_users").orElseThrow();
        assertThat(users.from()).isEqualTo("frame");
        assertThat(users.distinct()).contains("uid");
        assertThat(users.groupBy()).isEmpty();
        assertThat(users.granularity()).isEqualTo(Duration.ofMinutes(1));
        assertThat(users.aggregations()).containsExactly(Aggregation.COUNT, Aggregation.DISTINCT);
        assertThat(p.eventType("frame").orElseThrow().timestamp().formats()).containsExactly("epoch-seconds");

        Metric plays = p.metric("plays").orElseThrow();
        assertThat(plays.from()).isEqualTo("song_play");
        assertThat(plays.value()).contains("Number of Plays");
        assertThat(plays.groupBy()).containsExactly("Song");
        assertThat(plays.granularity()).isEqualTo(Duration.ofDays(1));
        assertThat(plays.aggregations()).containsExactly(Aggregation.COUNT, Aggregation.SUM);
        TimestampSpec date = p.eventType("song_play").orElseThrow().timestamp();
        assertThat(date.field()).isEqualTo("Date");
        assertThat(date.formats()).containsExactly("yyyy-MM-dd");
        assertThat(date.zone()).isEqualTo(ZoneId.of("Europe/Lisbon"));
        assertThat(plays.zone()).isEqualTo(ZoneId.of("Europe/Lisbon"));
    }

    @Test
    void bundledPipelineDeclaresTripsAndHeatIndexWithDerivedFields() {
        Pipeline p = PipelineLoader.load(PipelineLoader.BUNDLED);
        EventType trip = p.eventType("trip").orElseThrow();
        assertThat(trip.derived()).containsExactly(
                new GeohashCell("origin_cell", new PointSource.WktPoint("origin_coord"), 5),
                new GeohashCell("destination_cell", new PointSource.WktPoint("destination_coord"), 5),
                new DatePart("hour_of_day", DatePart.Part.HOUR, ZoneOffset.UTC));
        assertThat(trip.timestamp().formats()).containsExactly("yyyy-MM-dd HH:mm:ss");
        Metric trips = p.metric("trips").orElseThrow();
        assertThat(trips.value()).isEmpty();
        assertThat(trips.groupBy()).containsExactly("region", "origin_cell");
        assertThat(trips.granularity()).isEqualTo(Duration.ofDays(1));
        assertThat(trips.aggregations()).containsExactly(Aggregation.COUNT);
        Metric similar = p.metric("similar_trips").orElseThrow();
        assertThat(similar.groupBy()).containsExactly("region", "origin_cell", "destination_cell", "hour_of_day");
        assertThat(similar.granularity()).isEqualTo(Duration.ofDays(1));
        assertThat(similar.aggregations()).containsExactly(Aggregation.COUNT);

        EventType weather = p.eventType("weather_reading").orElseThrow();
        assertThat(weather.derived()).containsExactly(new HeatIndex("heat_index", "temperature", "humidity"));
        Metric heat = p.metric("heat_index").orElseThrow();
        assertThat(heat.value()).contains("heat_index");
        assertThat(heat.groupBy()).containsExactly("city");
        assertThat(heat.granularity()).isEqualTo(Duration.ofHours(1));
        assertThat(heat.aggregations()).containsExactly(Aggregation.COUNT, Aggregation.SUM, Aggregation.AVG,
                Aggregation.MIN, Aggregation.MAX);
        assertThat(p.eventTypes().keySet())
                .containsExactly("translation_delivered", "frame", "song_play", "trip", "weather_reading");
        assertThat(p.metrics().keySet()).containsExactly("delivery_time", "unique_users", "plays", "trips", "similar_trips",
                "heat_index");
    }

    @Test
    void readsAValidFileWithDefaults() throws IOException {
        Pipeline p = load(pipeline("value: duration\ngroup-by: [client]\ngranularity: 5m"));
        Metric m = p.metric("m").orElseThrow();
        assertThat(m.granularity()).isEqualTo(Duration.ofMinutes(5));
        assertThat(m.allowedLateness()).isEqualTo(Duration.ZERO);
        assertThat(m.aggregations()).containsExactlyElementsOf(Aggregation.VALUE_DEFAULTS);
        assertThat(m.bucketStart(Duration.ofMinutes(7).toMillis() + 1)).isEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void unknownFieldNamesThePathAndTheKnownFields() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1m\ngranulrity: 2m")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("pipeline.yaml")
                .hasMessageContaining("metrics.m.granulrity")
                .hasMessageContaining("unknown field 'granulrity'")
                .hasMessageContaining("granularity");
    }

    @Test
    void metricOnUnknownTypeIsRefused() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1m").replace("from: delivery", "from: deliveries")))
                .hasMessageContaining("metrics.m.from")
                .hasMessageContaining("unknown event type 'deliveries'")
                .hasMessageContaining("[delivery]");
    }

    @Test
    void groupByFieldMissingFromSchemaIsRefused() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1m\ngroup-by: [client, region]")))
                .hasMessageContaining("metrics.m.group-by[1]")
                .hasMessageContaining("field 'region' is not in the event type's schema");
    }

    @Test
    void badDurationIsRefused() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1 minute")))
                .hasMessageContaining("metrics.m.granularity")
                .hasMessageContaining("'1 minute' is not a duration")
                .hasMessageContaining("Fix:");
    }

    @Test
    void granularityMustAlignToDays() {
        assertThatThrownBy(() -> load(pipeline("granularity: 7m")))
                .hasMessageContaining("does not align buckets to days");
    }

    @Test
    void metricZoneIsReadLikeTheTimestampZone() throws IOException {
        assertThat(load(pipeline("granularity: 1d")).metric("m").orElseThrow().zone()).isNull();
        Metric lisbon = load(pipeline("granularity: 1d\nzone: Europe/Lisbon")).metric("m").orElseThrow();
        assertThat(lisbon.zone()).isEqualTo(ZoneId.of("Europe/Lisbon"));
        // the 25-hour day of 2026-10-25 in Lisbon
        assertThat(lisbon.bucketStart(Instant.parse("2026-10-25T23:30:00Z").toEpochMilli()))
                .isEqualTo(Instant.parse("2026-10-24T23:00:00Z").toEpochMilli());
        Metric kolkata = load(pipeline("granularity: 7d\nzone: \"+05:30\"")).metric("m").orElseThrow();
        assertThat(kolkata.zone()).isEqualTo(ZoneOffset.ofHoursMinutes(5, 30));
        assertThat(kolkata.granularity()).isEqualTo(Duration.ofDays(7));
        assertThat(load(pipeline("granularity: 1d\nzone: UTC")).metric("m").orElseThrow().zone())
                .isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void badMetricZoneIsRefused() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1d\nzone: Europe/Lisboa")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("pipeline.yaml")
                .hasMessageContaining("at 'metrics.m.zone'")
                .hasMessageContaining("unknown zone 'Europe/Lisboa'")
                .hasMessageContaining("Fix: use UTC, an offset such as +02:00 or a region such as Europe/Lisbon");
    }

    @Test
    void metricZoneNeedsAGranularityOfWholeDays() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1h\nzone: Europe/Lisbon")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("at 'metrics.m.zone'")
                .hasMessageContaining("applies only to day-or-longer granularities")
                .hasMessageContaining("Fix: remove 'zone' or use a granularity of whole days");
        assertThatThrownBy(() -> load(pipeline("granularity: 36h\nzone: Europe/Lisbon")))
                .hasMessageContaining("metrics.m.granularity").hasMessageContaining("does not align buckets to days");
    }

    @Test
    void valueMustBeNumericAndPresentForValueAggregations() {
        assertThatThrownBy(() -> load(pipeline("value: client\ngranularity: 1m")))
                .hasMessageContaining("metrics.m.value").hasMessageContaining("not numeric");
        assertThatThrownBy(() -> load(pipeline("granularity: 1m\naggregations: [count, avg]")))
                .hasMessageContaining("metrics.m.aggregations[1]").hasMessageContaining("'avg' needs a value field");
        assertThatThrownBy(() -> load(pipeline("value: duration\ngranularity: 1m\naggregations: [median]")))
                .hasMessageContaining("unknown aggregation 'median'");
    }

    @Test
    void missingSchemaFileAndBadFormatAreRefused() {
        assertThatThrownBy(() -> load(pipeline("granularity: 1m").replace("s.schema.json", "nope.json")))
                .hasMessageContaining("event-types.delivery.schema").hasMessageContaining("nope.json");
        assertThatThrownBy(() -> load(pipeline("granularity: 1m").replace("[iso]", "[iso, \"yyyy-MM-dd bb\"]")))
                .hasMessageContaining("event-types.delivery.timestamp.formats[1]");
    }

    @Test
    void inlineSchemaIsAccepted() throws IOException {
        Pipeline p = load(pipeline("granularity: 1d").replace("schema: s.schema.json",
                "schema: {type: object, properties: {ts: {type: string}, client: {type: string}, id: {type: string}}}"));
        assertThat(p.eventType("delivery").orElseThrow().schema().path("properties").has("client")).isTrue();
        assertThat(p.metric("m").orElseThrow().aggregations()).isEqualTo(List.of(Aggregation.COUNT));
    }

    @Test
    void distinctAndQuantilesAreDeclaredWithTheirFields() throws IOException {
        Metric m = load(pipeline("value: duration\ndistinct: client\ngranularity: 1m\naggregations: [count, distinct, p99]"))
                .metric("m").orElseThrow();
        assertThat(m.distinct()).contains("client");
        assertThat(m.keepsQuantiles()).isTrue();
        assertThat(load(pipeline("distinct: client\ngranularity: 1m")).metric("m").orElseThrow().aggregations())
                .containsExactly(Aggregation.COUNT, Aggregation.DISTINCT);
        assertThatThrownBy(() -> load(pipeline("granularity: 1m\naggregations: [distinct]")))
                .hasMessageContaining("'distinct' needs a distinct field");
        assertThatThrownBy(() -> load(pipeline("distinct: nope\ngranularity: 1m")))
                .hasMessageContaining("metrics.m.distinct");
        assertThatThrownBy(() -> load(pipeline("granularity: 1m\naggregations: [p99]")))
                .hasMessageContaining("'p99' needs a value field");
    }

    private static final String TRIP_SCHEMA = """
            {"type": "object", "properties": {"ts": {"type": "string"}, "region": {"type": "string"},
             "origin": {"type": "string"}, "t": {"type": "number"}, "rh": {"type": "number"}}}
            """;

    private Pipeline loadDerived(String derived, String metric) throws IOException {
        Files.writeString(dir.resolve("trip.schema.json"), TRIP_SCHEMA);
        Path file = dir.resolve("derived.yaml");
        Files.writeString(file, """
                event-types:
                  trip:
                    schema: trip.schema.json
                    timestamp: {field: ts, formats: [iso]}
                    derived:
                %s
                metrics:
                  m:
                    from: trip
                %s
                """.formatted(derived.indent(6), metric.indent(4)));
        return PipelineLoader.load(file.toString());
    }

    @Test
    void derivedFieldsAreDeclaredWithABuiltInFunctionAndUsableByMetrics() throws IOException {
        Pipeline p = loadDerived("""
                cell: { geohash: origin, precision: 5 }
                hi: { heat-index: { temperature: t, humidity: rh } }
                weekday: { date-part: day-of-week }
                """, "value: hi\ngroup-by: [region, cell, weekday]\ndistinct: cell\ngranularity: 1d");
        EventType trip = p.eventType("trip").orElseThrow();
        assertThat(trip.derived()).extracting(d -> d.name()).containsExactly("cell", "hi", "weekday");
        assertThat(trip.derivedField("cell")).contains(new GeohashCell("cell", new PointSource.WktPoint("origin"), 5));
        assertThat(trip.derivedField("weekday")).contains(new DatePart("weekday", DatePart.Part.DAY_OF_WEEK, ZoneOffset.UTC));
        assertThat(p.metric("m").orElseThrow().groupBy()).containsExactly("region", "cell", "weekday");
    }

    @Test
    void badDerivedFieldsStopTheServiceNamingTheFileThePathAndTheFix() {
        String metric = "granularity: 1d";
        assertThatThrownBy(() -> loadDerived("cell: { geohsh: origin, precision: 5 }", metric))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("derived.yaml")
                .hasMessageContaining("'event-types.trip.derived.cell.geohsh'")
                .hasMessageContaining("unknown function 'geohsh'")
                .hasMessageContaining("Fix: use one of [geohash, heat-index, date-part]");
        assertThatThrownBy(() -> loadDerived("cell: { geohash: origin }", metric))
                .hasMessageContaining("'event-types.trip.derived.cell.precision'")
                .hasMessageContaining("geohash needs the argument 'precision'");
        assertThatThrownBy(() -> loadDerived("cell: { geohash: destination, precision: 5 }", metric))
                .hasMessageContaining("'event-types.trip.derived.cell.geohash'")
                .hasMessageContaining("field 'destination' is not in the event type's schema")
                .hasMessageContaining("use one of [ts, region, origin, t, rh]");
        assertThatThrownBy(() -> loadDerived("cell: { geohash: origin, precision: 13 }", metric))
                .hasMessageContaining("'event-types.trip.derived.cell.precision'")
                .hasMessageContaining("not a whole number from 1 to 12");
        assertThatThrownBy(() -> loadDerived("hi: { heat-index: { temperature: t } }", metric))
                .hasMessageContaining("'event-types.trip.derived.hi.heat-index'")
                .hasMessageContaining("heat-index needs the argument 'humidity'");
        assertThatThrownBy(() -> loadDerived("hi: { heat-index: { temperature: region, humidity: rh } }", metric))
                .hasMessageContaining("'event-types.trip.derived.hi.heat-index.temperature'")
                .hasMessageContaining("field 'region' is not a number, °F in the schema");
        assertThatThrownBy(() -> loadDerived("region: { date-part: hour }", metric))
                .hasMessageContaining("'event-types.trip.derived.region'").hasMessageContaining("already a field");
        assertThatThrownBy(() -> loadDerived("Cell: { date-part: hour }", metric))
                .hasMessageContaining("'event-types.trip.derived.Cell'").hasMessageContaining("not allowed");
        assertThatThrownBy(() -> loadDerived("d: { date-part: date }", "value: d\ngranularity: 1d"))
                .hasMessageContaining("'metrics.m.value'").hasMessageContaining("not numeric");
        assertThatThrownBy(() -> loadDerived("d: { date-part: date }", "group-by: [day]\ngranularity: 1d"))
                .hasMessageContaining("'metrics.m.group-by[0]'").hasMessageContaining("[ts, region, origin, t, rh, d]");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> PipelineLoader.load(dir.resolve("absent.yaml").toString()))
                .hasMessageContaining("absent.yaml").hasMessageContaining("file not found");
    }
}
