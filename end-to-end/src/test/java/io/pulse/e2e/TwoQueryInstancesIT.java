package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two query instances share the partitions of {@code aggregates}, behind a client that asks them in turn: a live
 * subscriber of either sees every bucket change, whichever instance stored it, and both answer the same.
 */
class TwoQueryInstancesIT {

    private static final int EVENTS = 6_000;

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 4);

    private static ServiceProcess second;
    private static List<PulseClient> instances;
    private static final AtomicInteger turn = new AtomicInteger();

    @BeforeAll
    static void start() {
        second = platform.stack().startInstance(Service.QUERY, Ports.free(), "query-2", System.out);
        instances = List.of(platform.client(), TestStacks.client(platform.stack().url(Service.INGEST), second.url()));
    }

    /** The next instance in turn, as a round-robin load balancer picks them. */
    private static PulseClient next() {
        return instances.get(Math.floorMod(turn.getAndIncrement(), instances.size()));
    }

    @Test
    void liveSubscribersOfEitherInstanceSeeEveryChangeAndBothAnswerTheSame() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> instances.get(0).isReady(platform.stack().managementUrl(Service.QUERY))
                && instances.get(0).isReady(second.managementUrl()));
        LiveSubscriber first = LiveSubscriber.open(platform.stack().url(Service.QUERY));
        LiveSubscriber other = LiveSubscriber.open(second.url());

        TranslationWorkload workload = new TranslationWorkload(EVENTS, 21);
        workload.send(next(), platform.data(), 6, chunk -> { });
        Map<String, Long> expected = new TreeMap<>();
        workload.expected().forEach((key, x) -> expected.put(key, x.count()));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(next()) == EVENTS);
        for (PulseClient instance : instances) {
            Map<String, Double> counts = TranslationWorkload.byClientAndMinute(instance, "delivery_time", "count");
            assertThat(counts).hasSameSizeAs(expected);
            expected.forEach((key, n) -> assertThat(counts.get(key)).as(key).isEqualTo((double) n));
        }
        // Each subscriber's latest event of every bucket is the bucket as stored.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(first.latestCounts()).as("subscriber of the first instance").isEqualTo(expected);
            assertThat(other.latestCounts()).as("subscriber of the second instance").isEqualTo(expected);
        });
        System.out.printf("[two-query] %d events, %d buckets; bucket events seen: %d on the first instance, %d on the "
                + "second%n", EVENTS, expected.size(), first.events.get(), other.events.get());
        first.close();
        other.close();
    }

    /** A live stream of delivery_time by client, keeping each bucket's latest count. */
    private static final class LiveSubscriber implements AutoCloseable {
        final Map<String, Long> latest = new ConcurrentHashMap<>();
        final AtomicInteger events = new AtomicInteger();
        private final CompletableFuture<HttpResponse<Stream<String>>> response;

        private LiveSubscriber(CompletableFuture<HttpResponse<Stream<String>>> response) {
            this.response = response;
        }

        static LiveSubscriber open(String queryUrl) throws Exception {
            HttpRequest request = TestStacks.request(URI.create(queryUrl
                    + "/v1/metrics/delivery_time/live?group_by=client_name")).header("Accept", "text/event-stream").build();
            CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
            LiveSubscriber subscriber = new LiveSubscriber(response);
            // The stream is open once its headers are in (at the latest with the first heartbeat).
            HttpResponse<Stream<String>> open = response.get(30, TimeUnit.SECONDS);
            assertThat(open.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> subscriber.read(open.body()), "live-" + queryUrl);
            reader.setDaemon(true);
            reader.start();
            return subscriber;
        }

        private void read(Stream<String> lines) {
            String[] event = {null};
            lines.forEach(line -> {
                if (line.startsWith("event:")) {
                    event[0] = line.substring(6).trim();
                } else if (line.startsWith("data:") && "bucket".equals(event[0])) {
                    JsonNode bucket = Json.read(line.substring(5).trim(), JsonNode.class);
                    latest.put(bucket.path("group").path("client_name").asText() + "@" + bucket.path("start").asText(),
                            bucket.path("count").asLong());
                    events.incrementAndGet();
                } else if (line.isEmpty()) {
                    event[0] = null;
                }
            });
        }

        Map<String, Long> latestCounts() {
            return latest.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, TreeMap::new));
        }

        @Override
        public void close() {
            response.thenAccept(r -> r.body().close());
        }
    }
}
