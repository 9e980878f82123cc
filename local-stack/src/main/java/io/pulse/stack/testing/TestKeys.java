package io.pulse.stack.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * The API keys of the services' tests (their {@code src/test/resources/api-keys} stores the hashes): key
 * {@code test-key-<name>}. Before each test, rest-assured calls with the admin key unless the test sends another
 * Authorization header, so tests of other behaviour need not repeat it; tests of access control send their own.
 */
public class TestKeys implements QuarkusTestBeforeEachCallback {

    public static final String AUTHORIZATION = "Authorization";

    /** The key named {@code name} in the tests' key file. */
    public static String key(String name) {
        return "test-key-" + name;
    }

    /** The Authorization header value of that key. */
    public static String bearer(String name) {
        return "Bearer " + key(name);
    }

    /** The admin key's Authorization header value. */
    public static String admin() {
        return bearer("admin");
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.replaceFiltersWith((request, response, next) -> {
            if (!request.getHeaders().hasHeaderWithName(AUTHORIZATION)) {
                request.header(AUTHORIZATION, admin());
            }
            return next.next(request, response);
        });
    }
}
