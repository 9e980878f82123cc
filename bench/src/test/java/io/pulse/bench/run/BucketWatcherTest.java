package io.pulse.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Translations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wait for complete buckets, against a stand-in query API on a real HTTP port that answers fixed counts. */
class BucketWatcherTest {

    private final Translations workload = new Translations();
    private final Generated generated = workload.generate(300, 5);
    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Serves every expected bucket with its count, less {@code short} events in the first one. */
    private QueryApi queryApi(long shortBy) throws IOException {
        TreeMap<Long, Long> counts = new TreeMap<>(generated.expected().countsByBucket());
        counts.merge(counts.firstKey(), -shortBy, Long::sum);
        String points = counts.entrySet().stream().map(e -> "{\"ts\":\"" + Instant.ofEpochMilli(e.getKey())
                + "\",\"value\":" + e.getValue() + ",\"count\":" + e.getValue() + "}").collect(Collectors.joining(","));
        byte[] body = ("{\"series\":[{\"group\":{},\"points\":[" + points + "]}]}").getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/metrics/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new QueryApi("http://127.0.0.1:" + server.getAddress().getPort(), "any-key");
    }

    @Test
    void completeCountsEndTheWait() throws Exception {
        BucketWatcher watcher = new BucketWatcher(queryApi(0), workload, generated, Duration.ofMillis(300));
        watcher.add(new BucketWatcher.Sample(generated.expected().countsByBucket().firstKey(), 1, System.nanoTime()));
        assertThat(watcher.await(() -> true, Duration.ofSeconds(30))).isPositive();
        assertThat(watcher.freshnessMillis()).hasSize(1);
    }

    @Test
    void countsStandingStillAfterEverythingWasSentEndTheWaitWithTheReason() throws Exception {
        BucketWatcher watcher = new BucketWatcher(queryApi(1), workload, generated, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> watcher.await(() -> true, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stood still")
                .hasMessageContaining("counts " + (generated.expected().countsByBucket().firstEntry().getValue() - 1) + " of")
                .hasMessageContaining("pulse_aggregation_events_total");
        // the stall ends it, not the 30 s timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void noStallIsCalledWhileEventsAreStillBeingSent() throws Exception {
        BucketWatcher watcher = new BucketWatcher(queryApi(1), workload, generated, Duration.ofMillis(100));
        long sendingEnds = System.nanoTime() + Duration.ofMillis(800).toNanos();
        long start = System.nanoTime();
        assertThatThrownBy(() -> watcher.await(() -> System.nanoTime() > sendingEnds, Duration.ofSeconds(30)))
                .hasMessageContaining("stood still");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }
}
