package io.pulse.common.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    // FIPS 180-2's example: SHA-256("abc").
    private static final String ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void storesTheSha256OfTheKey() {
        assertThat(ApiKeys.hash("abc")).isEqualTo(ABC);
        assertThat(ApiKeys.line("ci", "abc", List.of("ingest:trip", "query:*"))).isEqualTo("ci " + ABC + " ingest:trip query:*");
    }

    @Test
    void newKeysAreLongAndDifferent() {
        String one = ApiKeys.newKey();
        assertThat(one).matches("pulse_[A-Za-z0-9_-]{43}");
        assertThat(ApiKeys.newKey()).isNotEqualTo(one);
    }

    @Test
    void readsKeysSkippingCommentsAndBlankLines() {
        Map<String, ApiKey> keys = ApiKeys.parse(List.of("# who may do what", "", "ci " + ABC + "  ingest:trip query:*  "));
        assertThat(keys).containsOnlyKeys(ABC);
        assertThat(keys.get(ABC)).isEqualTo(new ApiKey("ci", Set.of("ingest:trip", "query:*")));
    }

    @Test
    void namesTheLineAndTheMistake() {
        assertThatThrownBy(() -> ApiKeys.parse(List.of("", "ci " + ABC)))
                .hasMessageStartingWith("line 2: expected '<name> sha256:<hex> <scope>…'");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("ci abc admin"))).hasMessageContaining("line 1: expected sha256:");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("ci " + ABC + " write:trip")))
                .hasMessageContaining("unknown scope 'write:trip'");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("ci " + ABC + " admin", "ci " + ApiKeys.hash("x") + " admin")))
                .hasMessageContaining("line 2: the name 'ci' is used twice");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("a " + ABC + " admin", "b " + ABC + " admin")))
                .hasMessageContaining("line 2: the same key is listed twice");
    }

    @Test
    void scopesGrantTheirNameTheirKindOrEverything() {
        assertThat(Scopes.grants(Set.of("ingest:trip"), "ingest:trip")).isTrue();
        assertThat(Scopes.grants(Set.of("ingest:trip"), "ingest:play")).isFalse();
        assertThat(Scopes.grants(Set.of("ingest:trip"), "upload:trip")).isFalse();
        assertThat(Scopes.grants(Set.of("query:*"), "query:plays")).isTrue();
        assertThat(Scopes.grants(Set.of("query:*"), "ingest:play")).isFalse();
        assertThat(Scopes.grants(Set.of("admin"), "upload:trip")).isTrue();
        assertThat(Scopes.grants(Set.of(), "query:plays")).isFalse();
        assertThat(Scopes.isValid("query:delivery_time")).isTrue();
        assertThat(Scopes.isValid("query:")).isFalse();
        assertThat(Scopes.isValid("admin:*")).isFalse();
    }
}
