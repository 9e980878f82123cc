package io.pulse.ingest.access;

import static io.pulse.stack.testing.TestKeys.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.stack.testing.AccessChecks.Answer;
import io.pulse.stack.testing.AccessChecks.Call;
import io.pulse.stack.testing.AccessChecks;
import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One caller over its events per second is answered 429 until it is back under; other callers are not slowed. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(CallerRateTest.TenPerSecond.class)
class CallerRateTest {

    /** 10 events a second, 20 at once. */
    public static class TenPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pulse.ingest.caller-rate", "10", "pulse.ingest.caller-burst", "20");
        }
    }

    private static final Call POST = new Call("POST", "/v1/events/translation_delivered");

    @TestHTTPResource("/")
    URI root;

    private final String client = "client-" + UUID.randomUUID();

    private String deliveries(int n) {
        return IntStream.range(0, n).mapToObj(i -> """
                {"timestamp": "2018-12-26 18:11:08", "translation_id": "r-%d", "source_language": "en",
                 "target_language": "fr", "client_name": "%s", "event_name": "translation_delivered",
                 "nr_words": 30, "duration": 20}""".formatted(i, client).replace("\n", ""))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void aCallerInDebtWaitsWhileOthersGoOn() throws InterruptedException {
        // 25 events from a full bucket of 20 leave a debt of 5: at 10 a second, half a second, so Retry-After 1.
        Answer first = AccessChecks.call(root, POST, bearer("translations"), "application/json", deliveries(25));
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.json().path("accepted").asInt()).isEqualTo(25);

        Answer refused = AccessChecks.call(root, POST, bearer("translations"), "application/json", deliveries(1));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("type").asText()).endsWith("rate-limited");
        assertThat(refused.json().path("limit").asLong()).isEqualTo(10);
        assertThat(refused.retryAfter()).isEqualTo("1");

        Answer other = AccessChecks.call(root, POST, bearer("admin"), "application/json", deliveries(1));
        assertThat(other.status()).as("another caller's allowance is its own").isEqualTo(202);

        Thread.sleep(1100);
        assertThat(AccessChecks.call(root, POST, bearer("translations"), "application/json", deliveries(1)).status())
                .as("after Retry-After the caller is under its rate again").isEqualTo(202);
    }
}
