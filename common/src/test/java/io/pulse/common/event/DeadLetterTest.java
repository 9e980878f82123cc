package io.pulse.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final List<FieldError> REASONS = List.of(new FieldError("", "bad"));
    private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");

    private static DeadLetter letter(String raw) {
        return new DeadLetter("t", raw, REASONS, RECEIVED, "test 0");
    }

    @Test
    void aShortItemIsKeptWholeInTheEarlierFormat() {
        DeadLetter letter = letter("{\"a\": 1}");
        assertThat(letter.boundedTo(16)).isSameAs(letter);
        JsonNode json = Json.read(Json.write(letter), JsonNode.class);
        assertThat(json.has("truncated")).isFalse();
        assertThat(json.has("raw_bytes")).isFalse();
        assertThat(json.has("raw_sha256")).isFalse();
    }

    /** "é" is two bytes in UTF-8: ten bytes of "aéééé…" end inside a character, which is left out. */
    @Test
    void aLongItemKeepsWholeCharactersWithTheLengthAndHashOfAllOfIt() {
        String raw = "a" + "é".repeat(20);
        DeadLetter bounded = letter(raw).boundedTo(10);
        assertThat(bounded.raw()).isEqualTo("aéééé");
        assertThat(bounded.truncated()).isTrue();
        assertThat(bounded.rawBytes()).isEqualTo(41L);
        // the SHA-256 of the 41 bytes, computed apart (Python's hashlib)
        assertThat(bounded.rawSha256()).isEqualTo("0ffabaea5845c94c437aae85b0151fd08f2943aa1e8cfa15564eb527e8064b52");
    }

    @Test
    void anItemAlreadyCutByTheReaderKeepsTheLengthAndHashOfTheWholeLine() {
        DeadLetter cut = new DeadLetter("t", "x".repeat(100), REASONS, RECEIVED, "test 0", true, 5_000_000L, "ab".repeat(32));
        DeadLetter bounded = cut.boundedTo(10);
        assertThat(bounded.raw()).isEqualTo("x".repeat(10));
        assertThat(bounded.rawBytes()).isEqualTo(5_000_000L);
        assertThat(bounded.rawSha256()).isEqualTo("ab".repeat(32));
    }
}
