package io.pulse.ingest.access;

import static io.pulse.stack.testing.TestKeys.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.stack.testing.AccessChecks.Answer;
import io.pulse.stack.testing.AccessChecks.Call;
import io.pulse.stack.testing.AccessChecks;
import io.pulse.stack.testing.JwtIssuer;
import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every ingest operation against every kind of credential; scopes per event type, for writes and uploads. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(JwtIssuer.class)
class AccessControlTest {

    private static final String JSON = "application/json";
    private static final String CSV = "text/csv";
    private static final List<String> EVENT_TYPES = List.of("translation_delivered", "frame", "song_play", "trip", "weather_reading");

    @TestHTTPResource("/")
    URI root;

    private final String client = "client-" + UUID.randomUUID();

    private String delivery() {
        return """
                {"timestamp": "2018-12-26 18:11:08", "translation_id": "a-1", "source_language": "en",
                 "target_language": "fr", "client_name": "%s", "event_name": "translation_delivered",
                 "nr_words": 30, "duration": 20}""".formatted(client).replace("\n", "");
    }

    private String deliveriesCsv() {
        return "timestamp,translation_id,source_language,target_language,client_name,event_name,nr_words,duration\n"
                + "2018-12-26 18:11:08,a-2,en,fr," + client + ",translation_delivered,30,20\n";
    }

    private Answer post(String path, String authorization, String type, String body) {
        return AccessChecks.call(root, new Call("POST", path), authorization, type, body);
    }

    private Answer get(String path, String authorization) {
        return AccessChecks.call(root, new Call("GET", path), authorization, null, null);
    }

    @Test
    void openApiDeclaresTheBearerSchemeOnEveryOperation() {
        assertThat(AccessChecks.bearerGaps(root)).isEmpty();
    }

    @Test
    void everyOperationRefusesEveryBadCredentialWith401() {
        List<Call> operations = AccessChecks.operations(root, Map.of("type", "translation_delivered", "id", "any"));
        // The list of operations is what the service declares: a new one joins this check by itself.
        assertThat(operations).extracting(Call::toString).containsExactlyInAnyOrder(
                "POST /v1/events/translation_delivered", "POST /v1/uploads/translation_delivered",
                "GET /v1/uploads/any", "GET /v1/uploads/any/events", "GET /v1/dead-letters");
        assertThat(AccessChecks.notRefused(root, operations,
                operation -> operation.path().startsWith("/v1/uploads") ? CSV : JSON)).isEmpty();
    }

    @Test
    void aKeyWritesOnlyItsEventTypes() {
        Answer written = post("/v1/events/translation_delivered", bearer("translations"), JSON, delivery());
        assertThat(written.status()).isEqualTo(202);
        assertThat(written.json().path("accepted").asInt()).isEqualTo(1);

        Answer refused = post("/v1/events/translation_delivered", bearer("trips"), JSON, delivery());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("scope").asText()).isEqualTo("ingest:translation_delivered");
        // A reader of every metric writes nothing.
        assertThat(post("/v1/events/trip", bearer("every-metric"), JSON, "[]").json().path("scope").asText())
                .isEqualTo("ingest:trip");
    }

    @Test
    void aNameOutsideTheScopesIsRefusedBeforeItIsLookedUp() {
        // Whether 'payments' exists is none of this key's business: the same 403 as for a type that exists.
        Answer unknown = post("/v1/events/payments", bearer("trips"), JSON, "[]");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.json().path("scope").asText()).isEqualTo("ingest:payments");
        // Who may write every type learns which exist.
        Answer admin = post("/v1/events/payments", bearer("admin"), JSON, "[]");
        assertThat(admin.status()).isEqualTo(404);
        assertThat(admin.json().path("known")).extracting(n -> n.asText()).containsExactlyElementsOf(EVENT_TYPES);
        Answer uploader = post("/v1/uploads/payments", bearer("every-upload"), CSV, "a\n1\n");
        assertThat(uploader.status()).isEqualTo(404);
        assertThat(uploader.json().path("known")).extracting(n -> n.asText()).containsExactlyElementsOf(EVENT_TYPES);
    }

    @Test
    void jwtScopesComeFromTheScopeClaim() {
        String writer = "Bearer " + JwtIssuer.token("svc-deliveries", "ingest:translation_delivered");
        assertThat(post("/v1/events/translation_delivered", writer, JSON, delivery()).status()).isEqualTo(202);
        Answer upload = post("/v1/uploads/translation_delivered", writer, CSV, deliveriesCsv());
        assertThat(upload.status()).isEqualTo(403);
        assertThat(upload.json().path("scope").asText()).isEqualTo("upload:translation_delivered");
        String wildcard = "Bearer " + JwtIssuer.token("svc-all", "ingest:*");
        assertThat(post("/v1/events/translation_delivered", wildcard, JSON, delivery()).status()).isEqualTo(202);
    }

    @Test
    void anUploadIsSeenOnlyByWhoMayUploadItsType() {
        Answer upload = post("/v1/uploads/translation_delivered", bearer("translations"), CSV, deliveriesCsv());
        assertThat(upload.status()).isEqualTo(202);
        String id = upload.json().path("upload_id").asText();

        assertThat(get("/v1/uploads/" + id, bearer("translations")).status()).isEqualTo(200);
        assertThat(get("/v1/uploads/" + id, bearer("every-upload")).status()).isEqualTo(200);
        Answer other = get("/v1/uploads/" + id, bearer("trips"));
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("type").asText()).endsWith("unknown-upload");
        assertThat(get("/v1/uploads/" + id + "/events", bearer("trips")).status()).isEqualTo(404);
        assertThat(get("/v1/uploads/" + id + "/events", bearer("translations")).status()).isEqualTo(200);

        Answer refused = post("/v1/uploads/translation_delivered", bearer("trips"), CSV, deliveriesCsv());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("scope").asText()).isEqualTo("upload:translation_delivered");
    }
}
