package io.pulse.ingest.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reused writer's bytes against the mapper's, for every kind of JSON an event can hold. */
class CanonicalEventWriterTest {

    private static final ObjectWriter MAPPER_WRITER = Json.MAPPER.writerFor(CanonicalEvent.class);

    private static final List<String> ITEMS = List.of(
            "{\"timestamp\": \"2018-12-26 18:11:08.509654\", \"translation_id\": \"5aa5b2f39f7254a75aa5\", "
                    + "\"source_language\": \"en\", \"target_language\": \"fr\", \"client_name\": \"airliberty\", "
                    + "\"event_name\": \"translation_delivered\", \"nr_words\": 30, \"duration\": 20}",
            "{}",
            "{\"a\": [], \"b\": {}, \"c\": [1, [2, [3, {\"d\": null}]]], \"e\": true, \"f\": false, \"g\": null}",
            "{\"small\": 1, \"negative\": -2147483648, \"long\": 9223372036854775807, "
                    + "\"big\": 123456789012345678901234567890, \"negative_big\": -99999999999999999999999}",
            "{\"d\": 0.1, \"e\": 1e300, \"f\": -0.0, \"g\": 1.5E-7, \"h\": 20.0, \"i\": 3.141592653589793238462643383279}",
            "{\"text\": \"quote \\\" backslash \\\\ slash \\/ newline \\n tab \\t control \\u0001 \\u001f del \\u007f\"}",
            "{\"unicode\": \"é ü 中文 😀 \\u00e9 \\ud83d\\ude00\", \"\\u2028\": \"line separator\"}",
            "{\"key with / and ~\": 1, \"\": \"empty key\", \"duplicate\": 1, \"duplicate\": 2}",
            "{\"html\": \"</script><!-- & ' \\\"\"}");

    private static JsonNode json(String text) {
        return Json.read(text, JsonNode.class);
    }

    private final CanonicalEventWriter writer = new CanonicalEventWriter();

    private void assertSameBytes(CanonicalEvent event) throws IOException {
        byte[] expected = MAPPER_WRITER.writeValueAsBytes(event);
        assertThat(new String(writer.write(event), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(writer.write(event)).isEqualTo(expected);
    }

    @Test
    void writesWhatTheMapperWrites() throws IOException {
        long ts = 1545847868509L;
        for (String item : ITEMS) {
            assertSameBytes(new CanonicalEvent("id-1", "translation_delivered", ts++, (ObjectNode) json(item)));
        }
    }

    @Test
    void writesDerivedFieldsIdsAndTimesLikeTheMapper() throws IOException {
        ObjectNode attrs = (ObjectNode) json(ITEMS.get(0));
        attrs.set("heat_index", DoubleNode.valueOf(75.02));
        attrs.set("hour", IntNode.valueOf(18));
        attrs.set("origin_cell", TextNode.valueOf("ezs42"));
        assertSameBytes(new CanonicalEvent("0b6f3c1e-8c57-4c2e-9a36-3f0d5d2f1b7a", "trip", -1L, attrs));
        assertSameBytes(new CanonicalEvent("\"quoted\" \\ é", "frame", Long.MAX_VALUE, attrs));
        assertSameBytes(new CanonicalEvent(null, "frame", 0, attrs));
        assertSameBytes(new CanonicalEvent("x", "frame", 0, null));
    }

    @Test
    void writesEventsLargerThanTheGeneratorsBuffer() throws IOException {
        String large = "x".repeat(100_000) + "é".repeat(50_000);
        assertSameBytes(new CanonicalEvent("big", "translation_delivered", 1, (ObjectNode) json(
                "{\"a\": \"" + large + "\", \"b\": [" + "1, ".repeat(20_000) + "2]}")));
        // and the next, small one starts clean
        assertSameBytes(new CanonicalEvent("small", "translation_delivered", 2, (ObjectNode) json("{\"c\": 3}")));
    }

    @Test
    void writesTheSampleEventsLikeTheMapper() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String sample : List.of("translations.ndjson", "frames.ndjson", "weather.ndjson")) {
            lines.addAll(Files.readAllLines(Path.of("..", "samples", sample)));
        }
        assertThat(lines).isNotEmpty();
        int n = 0;
        for (String line : lines) {
            if (!line.isBlank()) {
                assertSameBytes(new CanonicalEvent("sample-" + n++, "sample", n, (ObjectNode) json(line)));
            }
        }
    }

    @Test
    void writesALoneSurrogateLikeTheMapper() throws IOException {
        // an escape JSON allows, that no UTF-8 text can hold
        assertSameBytes(new CanonicalEvent("lone", "translation_delivered", 1,
                (ObjectNode) json("{\"first\": \"fine\", \"lone\": \"\\ud800\", \"last\": 1}")));
    }

    /** A value that fails half-way through being written. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("cannot be written");
        }
    }

    @Test
    void aFailedEventLeavesNothingBehindForTheNext() throws IOException {
        ObjectNode attrs = (ObjectNode) json(ITEMS.get(0));
        attrs.putPOJO("unwritable", new Unwritable());
        CanonicalEvent unwritable = new CanonicalEvent("bad", "translation_delivered", 1, attrs);
        assertThatThrownBy(() -> MAPPER_WRITER.writeValueAsBytes(unwritable)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> writer.write(unwritable)).isInstanceOf(IllegalArgumentException.class);
        assertSameBytes(new CanonicalEvent("next", "translation_delivered", 2, (ObjectNode) json(ITEMS.get(0))));
    }
}
