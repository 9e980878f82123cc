package io.pulse.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.event.FieldError;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineException;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.ingest.IngestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventValidatorTest {

    private static final Pipeline PIPELINE = PipelineLoader.load(PipelineLoader.BUNDLED);
    private static final EventType TYPE = PIPELINE.eventType("translation_delivered").orElseThrow();
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

    private static final IngestConfig CONFIG = new IngestConfig() {
        public long maxBodyBytes() {
            return 1024;
        }

        public Duration maxFutureSkew() {
            return Duration.ofMinutes(5);
        }

        public Duration ackTimeout() {
            return Duration.ofSeconds(1);
        }

        public long callerRate() {
            return 1000;
        }

        public long callerBurst() {
            return 1000;
        }

        public int maxReportedErrors() {
            return 10;
        }

        public int producerPoolSize() {
            return 1;
        }

        public int sourcePollRecords() {
            return 10;
        }

        public Optional<String> transactionalIdPrefix() {
            return Optional.empty();
        }

        public Duration idempotencyHorizon() {
            return Duration.ofHours(24);
        }

        public int deadLetterMaxRawBytes() {
            return 65536;
        }

        public int uploadTransactionRecords() {
            return 10;
        }
    };

    private final EventValidator validator = new EventValidator(PIPELINE, CONFIG, Clock.fixed(NOW, ZoneOffset.UTC));

    private static JsonNode json(String text) {
        return Json.read(text, JsonNode.class);
    }

    @Test
    void validEventBecomesCanonical() {
        var outcome = validator.validate(TYPE, json("""
                {"timestamp": "2018-12-26 18:11:08.509654", "translation_id": "t1", "client_name": "a", "duration": 20}"""));
        assertThat(outcome.isAccepted()).isTrue();
        assertThat(outcome.event().id()).isEqualTo("t1");
        assertThat(outcome.event().ts()).isEqualTo(Instant.parse("2018-12-26T18:11:08.509Z").toEpochMilli());
    }

    @Test
    void everyReasonIsReportedWithAPointer() {
        var outcome = validator.validate(TYPE, json("""
                {"timestamp": "26/12/2018", "client_name": "a", "duration": "slow", "colour": "red"}"""));
        assertThat(outcome.isAccepted()).isFalse();
        assertThat(outcome.errors()).extracting(FieldError::field)
                .containsExactly("/duration", "/timestamp", "/translation_id");
        assertThat(outcome.errors()).filteredOn(e -> e.field().equals("/duration"))
                .extracting(FieldError::message).containsExactly("string found, number expected");
        assertThat(outcome.errors()).filteredOn(e -> e.field().equals("/timestamp"))
                .extracting(FieldError::message).allMatch(m -> m.contains("matches none of the formats"));
    }

    @Test
    void fieldsNoMetricReadsAreLetThroughAndKept() {
        var outcome = validator.validate(TYPE, json("""
                {"timestamp": "2018-12-26 18:11:08", "translation_id": "t1", "client_name": "a", "duration": 20,
                 "colour": "red", "client": {"os": "iOS", "os": "Android", "tags": [1, {"a": null}]}}"""));
        assertThat(outcome.isAccepted()).isTrue();
        assertThat(outcome.event().attrs().path("colour").asText()).isEqualTo("red");
        assertThat(outcome.event().attrs().path("client").path("os").asText()).isEqualTo("Android");
    }

    @Test
    void futureTimestampsBeyondTheSkewAreRefused() {
        var ok = validator.validate(TYPE, json("""
                {"timestamp": "2026-11-23 00:04:59", "translation_id": "t", "client_name": "a", "duration": 1}"""));
        var tooFar = validator.validate(TYPE, json("""
                {"timestamp": "2026-11-23 00:05:01", "translation_id": "t", "client_name": "a", "duration": 1}"""));
        assertThat(ok.isAccepted()).isTrue();
        assertThat(tooFar.errors()).extracting(FieldError::field).containsExactly("/timestamp");
    }

    @Test
    void derivedFieldsJoinTheEventsAttrs() {
        // Wikipedia's geohash example: 42.605 N, 5.603 W is in cell ezs42.
        var trip = validator.validate(PIPELINE.eventType("trip").orElseThrow(), json("""
                {"region": "Asturias", "origin_coord": "POINT (-5.603 42.605)", "destination_coord": "POINT (10.40744 57.64911)",
                 "datetime": "2018-05-28 09:03:40", "datasource": "funny_car"}"""));
        assertThat(trip.isAccepted()).isTrue();
        assertThat(trip.event().attrs().path("origin_cell").asText()).isEqualTo("ezs42");
        assertThat(trip.event().attrs().path("destination_cell").asText()).isEqualTo("u4pru");
        assertThat(trip.event().attrs().path("origin_coord").asText()).isEqualTo("POINT (-5.603 42.605)");

        // Below 80 °F the NWS simple formula: 0.5 * (75 + 61 + (75 - 68) * 1.2 + 60 * 0.094) = 75.02.
        var reading = validator.validate(PIPELINE.eventType("weather_reading").orElseThrow(), json("""
                {"city": "Athens", "timestamp": "2024-07-01T10:30:00Z", "temperature": 75.0, "humidity": 60.0}"""));
        assertThat(reading.event().attrs().path("heat_index").doubleValue()).isCloseTo(75.02, within(1e-9));
    }

    @Test
    void aValueThatCannotBeDerivedRefusesTheItemAtItsSourceField() {
        String raw = """
                {"region": "Prague", "origin_coord": "POINT (14.49 fifty)", "destination_coord": "POINT (14.43 50.04)",
                 "datetime": "2018-05-28 09:03:40"}""";
        JsonNode item = json(raw);
        var outcome = validator.validate(PIPELINE.eventType("trip").orElseThrow(), item);
        assertThat(outcome.isAccepted()).isFalse();
        assertThat(outcome.errors()).extracting(FieldError::field).containsExactly("/origin_coord");
        assertThat(outcome.errors().get(0).message()).contains("'POINT (14.49 fifty)' is not a point");
        // A refused item is left as sent: no derived field was added to it.
        assertThat(item).isEqualTo(json(raw));
    }

    @Test
    void nonObjectsAreRefused() {
        assertThat(validator.validate(TYPE, json("[1, 2]")).isAccepted()).isFalse();
        assertThat(validator.validate(TYPE, json("42")).errors()).isNotEmpty();
    }

    @Test
    void aSchemaThatBreaksTheMetaschemaStopsStartUp(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pulse.yaml");
        Files.writeString(file, """
                event-types:
                  reading:
                    schema: {"type": "object", "properties": {"ts": {"type": "string"}, "value": {"type": "numeric"}}}
                    timestamp: {field: ts, formats: [iso]}
                """);
        Pipeline pipeline = PipelineLoader.load(file.toString());
        assertThatThrownBy(() -> new EventValidator(pipeline, CONFIG, Clock.systemUTC()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("event-types.reading.schema/properties/value/type")
                .hasMessageContaining("Fix:");
    }
}
