package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM to the aggregation, then to a query instance, while song plays (a type without an id) flow: each exits on
 * its own, well before its grace period ends; every question asked of the query instance until its readiness
 * reports it down is answered, none refused or cut; and every acknowledged play is counted exactly once.
 */
class GracefulStopIT {

    private static final int REQUESTS = 90;
    private static final int EVENTS_PER_REQUEST = 400;
    /** terminationGracePeriodSeconds of the manifests: the most a rollout waits before it kills. */
    private static final Duration AGGREGATION_GRACE = Duration.ofSeconds(60);
    private static final Duration QUERY_GRACE = Duration.ofSeconds(30);
    /** quarkus.shutdown.delay of the query service as packaged. */
    private static final String QUERY_DELAY = "5s";

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void sigtermDrainsTheAggregationAndTheQueryServiceUnderLoad() throws Exception {
        ResentPlays plays = new ResentPlays("graceful", REQUESTS, EVENTS_PER_REQUEST, 0);
        plays.start(() -> platform.stack().url(Service.INGEST), 2);
        await().atMost(Duration.ofMinutes(2)).until(() -> plays.acknowledgedRequests.get() >= REQUESTS / 4);

        Instant sigterm = Instant.now();
        platform.stack().process(Service.AGGREGATION).close(); // SIGTERM, then waits for the process to exit
        Duration aggregationExit = Duration.between(sigterm, Instant.now());
        platform.stack().restart(Service.AGGREGATION, false, System.out);

        // A second query instance with the service's own shutdown delay, as in Kubernetes (the local stack's
        // instances have none: no balancer routes to them). It shares the storing of buckets with the first.
        ServiceProcess drained = platform.stack().startInstance(Service.QUERY, Ports.free(), "query-2",
                Map.of("quarkus.shutdown.delay", QUERY_DELAY), System.out);
        await().atMost(Duration.ofMinutes(2)).until(() -> plays.acknowledgedRequests.get() >= REQUESTS / 2);
        Questions questions = new Questions(drained.url(), drained.managementUrl());
        questions.start();
        await().atMost(Duration.ofMinutes(1)).until(() -> questions.answered.get() >= 20);
        sigterm = Instant.now();
        drained.close();
        Duration queryExit = Duration.between(sigterm, Instant.now());
        questions.join();
        plays.awaitAcknowledged();

        long total = plays.total();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> plays.countedTotal(platform.client()) >= total);
        Thread.sleep(5_000); // a repeat still on its way would show as a count above the expected one
        Map<String, Long> counted = plays.counted(platform.client());
        long aggregated = counted.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("[graceful stop] events sent %d, acknowledged %d, aggregated %d; the aggregation exited %d ms"
                        + " after SIGTERM, a query instance %d ms; %d questions answered while it drained, %d failed%n",
                plays.eventsSent.get(), plays.acknowledgedEvents.get(), aggregated, aggregationExit.toMillis(),
                queryExit.toMillis(), questions.answered.get(), questions.failures.size());
        assertThat(aggregationExit).isLessThan(AGGREGATION_GRACE);
        assertThat(queryExit).isLessThan(QUERY_GRACE);
        assertThat(questions.failures).as("questions cut or refused before readiness said down").isEmpty();
        assertThat(counted).isEqualTo(plays.expected());
        assertThat(aggregated).isEqualTo(total);
    }

    /**
     * A client asking series questions of one query instance, behind a balancer that stops sending once the
     * instance's readiness reports it down, as a Kubernetes Service does.
     */
    private static final class Questions extends Thread {

        private final String url;
        private final String managementUrl;
        private final AtomicBoolean routable = new AtomicBoolean(true);
        final AtomicLong answered = new AtomicLong();
        final List<String> failures = new ArrayList<>();

        Questions(String url, String managementUrl) {
            super("questions");
            this.url = url;
            this.managementUrl = managementUrl;
        }

        @Override
        public void start() {
            Thread balancer = new Thread(() -> {
                while (platform.client().isReady(managementUrl)) {
                    pause();
                }
                routable.set(false);
            }, "balancer");
            balancer.start();
            super.start();
        }

        @Override
        public void run() {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest question = TestStacks.request(URI.create(url + "/v1/metrics/plays/series?agg=sum&step=1d"
                    + "&group_by=Song&from=" + ResentPlays.FIRST_DAY + "&to=" + ResentPlays.FIRST_DAY.plusDays(
                    ResentPlays.DAYS))).timeout(Duration.ofSeconds(30)).build();
            while (routable.get()) {
                try {
                    HttpResponse<String> answer = http.send(question, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        answered.incrementAndGet();
                    } else {
                        failures.add(answer.statusCode() + ": " + answer.body());
                    }
                } catch (IOException e) {
                    failures.add(e.toString()); // sent before readiness said down: it had to be answered
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
