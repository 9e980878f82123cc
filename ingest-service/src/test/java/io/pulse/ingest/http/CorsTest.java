package io.pulse.ingest.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The web console, on the query service's origin, calls ingest from the browser: its origins are allowed the
 * endpoints it uses with the headers it sends; any other origin is not, and the management port answers no CORS.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class CorsTest {

    private static final String CONSOLE = "http://127.0.0.1:8083";

    @TestHTTPResource(value = "health", management = true)
    URL health;

    @Test
    void theConsoleMayPostUploadsAndEventsWithItsHeaders() {
        for (String path : new String[] {"/v1/uploads/translation_delivered", "/v1/events/translation_delivered"}) {
            given().header("Origin", CONSOLE).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization,content-type")
                    .when().options(path)
                    .then().statusCode(200)
                    .header("Access-Control-Allow-Origin", equalTo(CONSOLE))
                    .header("Access-Control-Allow-Methods", containsString("POST"))
                    .header("Access-Control-Allow-Headers", containsString("Authorization"));
        }
        given().header("Origin", "http://localhost:8083").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .when().options("/v1/events/translation_delivered")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo("http://localhost:8083"))
                .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"));
    }

    @Test
    void theConsoleReadsDeadLettersAndTheLocationOfAnUpload() {
        given().header("Origin", CONSOLE).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .when().options("/v1/dead-letters")
                .then().statusCode(200).header("Access-Control-Allow-Origin", equalTo(CONSOLE));
        given().header("Origin", CONSOLE)
                .when().get("/v1/dead-letters?type=translation_delivered&since=now-1m&limit=1")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(CONSOLE))
                .header("Access-Control-Expose-Headers", containsString("Location"));
    }

    @Test
    void anotherOriginIsNotAllowed() {
        given().header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .when().options("/v1/uploads/translation_delivered")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theManagementPortAnswersNoCors() {
        given().header("Origin", CONSOLE).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .when().options(health.toString())
                // SmallRye Health answers an OPTIONS itself, for any origin ('*'); the API's filter, which names the
                // console's origin and caches its answer for an hour, is not on this port.
                .then().header("Access-Control-Allow-Origin", not(equalTo(CONSOLE)))
                .header("Access-Control-Max-Age", nullValue());
    }
}
