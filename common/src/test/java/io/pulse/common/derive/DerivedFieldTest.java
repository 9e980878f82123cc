package io.pulse.common.derive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.common.event.FieldError;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DerivedFieldTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2018-12-26T18:11:08Z");

    private static JsonNode event(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static FieldError refusal(DerivedField field, String json) throws Exception {
        JsonNode e = event(json);
        try {
            field.derive(e, T);
        } catch (DerivationException x) {
            return x.toFieldError();
        }
        throw new AssertionError("derived a value from " + json);
    }

    @Test
    void geohashMatchesPublishedExamples() {
        // Wikipedia, "Geohash": ezs42 is the cell of 42.605 N, 5.603 W; u4pruydqqvj of 57.64911 N, 10.40744 E.
        assertThat(GeohashCell.encode(-5.603, 42.605, 5)).isEqualTo("ezs42");
        assertThat(GeohashCell.encode(10.40744, 57.64911, 11)).isEqualTo("u4pruydqqvj");
        assertThat(GeohashCell.encode(10.40744, 57.64911, 1)).isEqualTo("u");
    }

    @Test
    void geohashOfAWktPointAndOfLonLatFields() throws Exception {
        GeohashCell wkt = new GeohashCell("cell", new PointSource.WktPoint("origin_coord"), 5);
        assertThat(wkt.derive(event("{\"origin_coord\": \"POINT (-5.603 42.605)\"}"), T).asText()).isEqualTo("ezs42");
        assertThat(wkt.derive(event("{\"origin_coord\": \"point(-5.603   42.605) \"}"), T).asText()).isEqualTo("ezs42");
        GeohashCell lonLat = new GeohashCell("cell", new PointSource.LonLat("lon", "lat"), 11);
        assertThat(lonLat.derive(event("{\"lon\": 10.40744, \"lat\": 57.64911}"), T).asText()).isEqualTo("u4pruydqqvj");
    }

    @Test
    void aPointThatCannotBeReadRefusesTheEventAtItsField() throws Exception {
        GeohashCell wkt = new GeohashCell("origin_cell", new PointSource.WktPoint("origin coord"), 5);
        FieldError malformed = refusal(wkt, "{\"origin coord\": \"POINT (14.49 abc)\"}");
        assertThat(malformed.field()).isEqualTo("/origin coord");
        assertThat(malformed.message()).contains("'POINT (14.49 abc)' is not a point").contains("origin_cell");
        assertThat(refusal(wkt, "{\"origin coord\": \"POINT (14.49)\"}").message()).contains("not a point");
        assertThat(refusal(wkt, "{\"origin coord\": \"POINT (190 50)\"}").message()).contains("longitude 190.0 is outside");
        assertThat(refusal(wkt, "{\"origin coord\": \"POINT (14 -91)\"}").message()).contains("latitude -91.0 is outside");
        assertThat(refusal(wkt, "{}").field()).isEqualTo("/origin coord");
        GeohashCell lonLat = new GeohashCell("c", new PointSource.LonLat("x/lon", "lat"), 5);
        assertThat(refusal(lonLat, "{\"x/lon\": 1, \"lat\": \"n\"}").field()).isEqualTo("/lat");
        assertThat(refusal(lonLat, "{\"lat\": 1}").field()).isEqualTo("/x~1lon");
    }

    /** The heat index as the NWS writes it, term by term, to compare the class against. */
    private static double rothfusz(double t, double rh) {
        return -42.379 + 2.04901523 * t + 10.14333127 * rh - .22475541 * t * rh - .00683783 * t * t
                - .05481717 * rh * rh + .00122874 * t * t * rh + .00085282 * t * rh * rh - .00000199 * t * t * rh * rh;
    }

    @Test
    void heatIndexFollowsTheNwsAlgorithm() {
        // Below 80 °F the simple formula stands: 0.5 * (70 + 61 + (70 - 68) * 1.2 + 50 * 0.094) = 69.05.
        assertThat(HeatIndex.fahrenheit(70, 50)).isCloseTo(69.05, within(1e-9));
        assertThat(HeatIndex.fahrenheit(91, 55)).isCloseTo(rothfusz(91, 55), within(1e-9));
        // Dry and hot: minus ((13 - RH) / 4) * sqrt((17 - |T - 95|) / 17).
        assertThat(HeatIndex.fahrenheit(100, 10)).isCloseTo(rothfusz(100, 10) - 0.75 * Math.sqrt(12.0 / 17), within(1e-9));
        // Humid and warm: plus ((RH - 85) / 10) * ((87 - T) / 5).
        assertThat(HeatIndex.fahrenheit(85, 90)).isCloseTo(rothfusz(85, 90) + 0.5 * 0.4, within(1e-9));
        // The NWS heat index chart (weather.gov/safety/heat-index), within the regression's stated ±1.3 °F.
        double[][] chart = {{80, 40, 80}, {86, 60, 91}, {90, 50, 95}, {90, 60, 100}, {94, 55, 106}, {100, 40, 109},
                {100, 55, 124}, {104, 40, 119}, {110, 40, 136}, {84, 80, 94}};
        for (double[] c : chart) {
            assertThat(HeatIndex.fahrenheit(c[0], c[1])).as("%s °F at %s %%", c[0], c[1]).isCloseTo(c[2], within(1.3));
        }
    }

    @Test
    void heatIndexRefusesWhatIsNotAReading() throws Exception {
        HeatIndex hi = new HeatIndex("heat_index", "temperature", "humidity");
        assertThat(hi.derive(event("{\"temperature\": 91, \"humidity\": 55.0}"), T).doubleValue())
                .isCloseTo(rothfusz(91, 55), within(1e-9));
        assertThat(refusal(hi, "{\"temperature\": 91, \"humidity\": 120}").field()).isEqualTo("/humidity");
        assertThat(refusal(hi, "{\"humidity\": 50}").field()).isEqualTo("/temperature");
    }

    @Test
    void datePartsOfTheEventTime() {
        // 2018-12-26 was a Wednesday; 18:11 UTC is 13:11 in New York (UTC-5 in December).
        assertThat(new DatePart("d", DatePart.Part.DAY_OF_WEEK, ZoneOffset.UTC).derive(null, T).asText()).isEqualTo("wednesday");
        assertThat(new DatePart("d", DatePart.Part.HOUR, ZoneOffset.UTC).derive(null, T).asInt()).isEqualTo(18);
        assertThat(new DatePart("d", DatePart.Part.HOUR, ZoneId.of("America/New_York")).derive(null, T).asInt()).isEqualTo(13);
        assertThat(new DatePart("d", DatePart.Part.DATE, ZoneId.of("Asia/Tokyo")).derive(null, T).asText()).isEqualTo("2018-12-27");
        assertThat(new DatePart("d", DatePart.Part.MONTH, ZoneOffset.UTC).derive(null, T).asInt()).isEqualTo(12);
        assertThat(new DatePart("d", DatePart.Part.DAY_OF_MONTH, ZoneOffset.UTC).derive(null, T).asInt()).isEqualTo(26);
        assertThat(new DatePart("d", DatePart.Part.YEAR, ZoneOffset.UTC).derive(null, T).asInt()).isEqualTo(2018);
    }

    @Test
    void theReaderRefusesWhatItCannotRun() throws Exception {
        DerivedFieldReader reader = new DerivedFieldReader(event(
                "{\"p\": {\"type\": \"string\"}, \"t\": {\"type\": \"number\"}, \"h\": {\"type\": [\"number\", \"null\"]}}"),
                ZoneOffset.UTC);
        assertThat(reader.read("c", event("{\"geohash\": \"p\", \"precision\": 7}")))
                .isEqualTo(new GeohashCell("c", new PointSource.WktPoint("p"), 7));
        assertThat(reader.read("hi", event("{\"heat-index\": {\"temperature\": \"t\", \"humidity\": \"h\"}}")))
                .isEqualTo(new HeatIndex("hi", "t", "h"));
        assertThat(reader.read("h", event("{\"date-part\": \"hour\", \"zone\": \"Europe/Lisbon\"}")))
                .isEqualTo(new DatePart("h", DatePart.Part.HOUR, ZoneId.of("Europe/Lisbon")));
        assertThatThrownBy(() -> reader.read("c", event("{\"geohash\": \"t\", \"precision\": 5}")))
                .isInstanceOf(InvalidDerivedField.class).hasMessageContaining("not a POINT (lon lat) string");
        assertThatThrownBy(() -> reader.read("c", event("{\"geohash\": {\"lon\": \"t\"}, \"precision\": 5}")))
                .hasMessageContaining("geohash needs the argument 'lat'");
        assertThatThrownBy(() -> reader.read("c", event("{\"geohash\": \"p\", \"precision\": 5, \"zone\": \"UTC\"}")))
                .hasMessageContaining("unknown option 'zone' of geohash");
        assertThatThrownBy(() -> reader.read("c", event("{\"geohash\": \"p\", \"precision\": 2.5}")))
                .hasMessageContaining("precision '2.5' is not a whole number from 1 to 12");
        assertThatThrownBy(() -> reader.read("d", event("{\"date-part\": \"week\"}")))
                .hasMessageContaining("unknown date part 'week'");
        assertThatThrownBy(() -> reader.read("d", event("{\"date-part\": \"hour\", \"heat-index\": {}}")))
                .hasMessageContaining("calls one function");
        assertThatThrownBy(() -> reader.read("d", event("\"hour\""))).hasMessageContaining("does not call a function");
    }
}
