package io.pulse.query.access;

import static io.pulse.stack.testing.TestKeys.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.stack.testing.AccessChecks.Answer;
import io.pulse.stack.testing.AccessChecks.Call;
import io.pulse.stack.testing.AccessChecks;
import io.pulse.stack.testing.JwtIssuer;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Every query operation against every kind of credential; a key reads only its metrics, and sees only their names. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtIssuer.class)
class AccessControlTest {

    private static final List<String> METRICS = List.of("delivery_time", "unique_users", "plays", "trips", "similar_trips", "heat_index");
    private static final String RANGE = "from=2019-01-01&to=2019-01-03";

    /** A valid question to each read operation of metric {@code m}. */
    private static List<String> questions(String m) {
        String base = "/v1/metrics/" + m;
        return List.of(base, base + "/series?agg=count&step=1d&" + RANGE, base + "/moving?agg=count&window=2d&step=1d&"
                + RANGE, base + "/top?agg=count&" + RANGE, base + "/export?agg=count&step=1d&" + RANGE, base + "/live");
    }

    @TestHTTPResource("/")
    URI root;

    private Answer get(String path, String authorization) {
        return AccessChecks.call(root, new Call("GET", path), authorization, null, null);
    }

    private static List<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> field == null ? n.asText() : n.path(field).asText()).toList();
    }

    @Test
    void openApiDeclaresTheBearerSchemeOnEveryOperation() {
        assertThat(AccessChecks.bearerGaps(root)).isEmpty();
    }

    @Test
    void everyOperationRefusesEveryBadCredentialWith401() {
        List<Call> operations = AccessChecks.operations(root, Map.of("metric", "plays"));
        // The list of operations is what the service declares: a new one joins this check by itself.
        assertThat(operations).extracting(Call::toString).containsExactlyInAnyOrder("GET /v1/metrics",
                "GET /v1/metrics/plays", "GET /v1/metrics/plays/series", "GET /v1/metrics/plays/moving",
                "GET /v1/metrics/plays/top", "GET /v1/metrics/plays/export", "GET /v1/metrics/plays/live");
        assertThat(AccessChecks.notRefused(root, operations, operation -> null)).isEmpty();
    }

    @Test
    void aKeyReadsOnlyItsMetrics() {
        for (String question : questions("plays")) {
            assertThat(get(question, bearer("plays-reader")).status()).as(question).isEqualTo(200);
        }
        for (String question : questions("delivery_time")) {
            Answer refused = get(question, bearer("plays-reader"));
            assertThat(refused.status()).as(question).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().path("scope").asText()).isEqualTo("query:delivery_time");
        }
        // A writer of trips reads none of them.
        assertThat(get(questions("trips").get(1), bearer("trips")).status()).isEqualTo(200);
        assertThat(get(questions("similar_trips").get(1), bearer("trips")).json().path("scope").asText())
                .isEqualTo("query:similar_trips");
    }

    @Test
    void theListNamesOnlyTheMetricsTheCallerMayRead() {
        assertThat(names(get("/v1/metrics", bearer("plays-reader")).json(), "name")).containsExactly("plays");
        assertThat(names(get("/v1/metrics", bearer("every-metric")).json(), "name")).containsExactlyElementsOf(METRICS);
        assertThat(names(get("/v1/metrics", bearer("every-upload")).json(), "name")).isEmpty();
        String token = "Bearer " + JwtIssuer.token("analyst", "query:trips query:plays");
        assertThat(names(get("/v1/metrics", token).json(), "name")).containsExactly("plays", "trips");
    }

    @Test
    void anUnknownNameOutsideTheScopesLooksLikeAnyOtherForbiddenOne() {
        Answer forbidden = get("/v1/metrics/revenue/series?agg=count&step=1d&" + RANGE, bearer("plays-reader"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().path("scope").asText()).isEqualTo("query:revenue");
        Answer unknown = get("/v1/metrics/revenue", bearer("every-metric"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(names(unknown.json().path("known"), null)).containsExactlyElementsOf(METRICS);
    }

    @Test
    void jwtScopesComeFromTheScopeClaim() {
        String token = "Bearer " + JwtIssuer.token("analyst", "query:plays");
        assertThat(get(questions("plays").get(1), token).status()).isEqualTo(200);
        assertThat(get(questions("trips").get(1), token).json().path("scope").asText()).isEqualTo("query:trips");
        String admin = "Bearer " + JwtIssuer.token("ops", "admin");
        assertThat(get(questions("heat_index").get(2), admin).status()).isEqualTo(200);
    }
}
