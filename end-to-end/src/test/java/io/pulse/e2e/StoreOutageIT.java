package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL stops for 30 s while events flow: the query service answers reads with a 503 store-unavailable problem
 * and reports itself not ready, keeps running, and once the database is back counts every acknowledged event exactly
 * once, for a type with ids (translation_delivered) and one without (song_play).
 */
class StoreOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");
    private static final LocalDate FIRST_DAY = LocalDate.parse("2019-01-01");
    private static final List<String> SONGS = List.of("Hey Jude", "Let It Be", "Yesterday", "Help!");
    private static final List<String> READS = List.of(
            "/v1/metrics/delivery_time/series?agg=count&step=1d&from=2024-01-01&to=2024-01-02",
            "/v1/metrics/delivery_time/moving?agg=count&window=10m&from=2024-01-01&to=2024-01-01T01:00:00Z",
            "/v1/metrics/delivery_time/top?agg=count&from=2024-01-01&to=2024-01-02",
            "/v1/metrics/delivery_time");

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anOutageOfPostgresLosesNothingAndCountsNothingTwice() throws Exception {
        ServiceProcess query = platform.stack().process(Service.QUERY);
        Sender sender = new Sender();
        Thread sending = new Thread(sender, "sender");
        sending.start();
        await().atMost(Duration.ofMinutes(1)).until(() -> counted("delivery_time") > 0);

        Instant stopped = Instant.now();
        platform.stack().stopPostgres();
        List<JsonNode> problems = new ArrayList<>();
        await().atMost(OUTAGE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> ready = get(platform.stack().managementUrl(Service.QUERY) + "/q/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("DOWN").contains("PostgreSQL");
        });
        for (String read : READS) {
            HttpResponse<String> answer = get(platform.stack().url(Service.QUERY) + read);
            assertThat(answer.statusCode()).as(read + ": " + answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            JsonNode problem = Json.read(answer.body(), JsonNode.class);
            assertThat(problem.path("type").asText()).isEqualTo("https://pulse.dev/problems/store-unavailable");
            assertThat(problem.path("status").asInt()).isEqualTo(503);
            problems.add(problem);
        }
        long untilUp = OUTAGE.minus(Duration.between(stopped, Instant.now())).toMillis();
        Thread.sleep(Math.max(0, untilUp));
        assertThat(query.isAlive()).as("query service alive during the outage").isTrue();
        platform.stack().startPostgres();
        Instant restarted = Instant.now();
        await().atMost(Duration.ofMinutes(2)).until(() -> platform.client().isReady(platform.stack().managementUrl(Service.QUERY)));
        Duration readyAgain = Duration.between(restarted, Instant.now());
        Thread.sleep(5_000); // events keep flowing after the outage too
        sender.stop.set(true);
        sending.join();

        System.out.printf("[outage] sent %d translations and %d plays, acknowledged %d and %d; ready %d ms after "
                        + "PostgreSQL was back; reads during the outage: %s%n", sender.translationsSent.get(),
                sender.playsSent.get(), sender.translationsAcknowledged.get(), sender.playsAcknowledged.get(),
                readyAgain.toMillis(), problems);
        assertThat(sender.failures).as("ingest never depends on PostgreSQL").isEmpty();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(counted("delivery_time")).isEqualTo(sender.translationsAcknowledged.get());
            assertThat(counted("plays")).isEqualTo(sender.playsAcknowledged.get());
        });
        // Settled: nothing counted twice arrives later.
        Thread.sleep(3_000);
        assertThat(counted("delivery_time")).isEqualTo(sender.translationsAcknowledged.get());
        assertThat(sumOfPlays()).isEqualTo(sender.playsSum.get());
        assertThat(platform.client().query("/v1/metrics/plays").path("events").path("aggregated").asLong())
                .isEqualTo(sender.playsAcknowledged.get());
        assertThat(query.isAlive()).as("the query process never exited").isTrue();
        assertThat(platform.stack().process(Service.QUERY)).isSameAs(query);
        System.out.printf("[outage] counted %d translations and %d plays%n", counted("delivery_time"),
                counted("plays"));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(TestStacks.request(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The metric's events the query API counts, from /series over all days the test writes. */
    private static long counted(String metric) {
        String range = metric.equals("plays") ? "from=2019-01-01&to=2020-01-01" : "from=2024-01-01&to=2024-01-02";
        JsonNode answer = platform.client().query("/v1/metrics/" + metric + "/series?agg=count&step=1d&" + range);
        long total = 0;
        for (JsonNode p : answer.path("series").path(0).path("points")) {
            total += p.path("count").asLong();
        }
        return total;
    }

    private static long sumOfPlays() {
        JsonNode answer = platform.client().query("/v1/metrics/plays/series?agg=sum&step=1d&from=2019-01-01&to=2020-01-01");
        long total = 0;
        for (JsonNode p : answer.path("series").path(0).path("points")) {
            total += p.path("value").asLong();
        }
        return total;
    }

    /** Sends translations (with ids) and song plays (without) in small requests until stopped, counting both. */
    private static final class Sender implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong translationsSent = new AtomicLong();
        final AtomicLong translationsAcknowledged = new AtomicLong();
        final AtomicLong playsSent = new AtomicLong();
        final AtomicLong playsAcknowledged = new AtomicLong();
        final AtomicLong playsSum = new AtomicLong();
        final List<String> failures = new ArrayList<>();

        @Override
        public void run() {
            int request = 0;
            while (!stop.get()) {
                List<Map<String, Object>> translations = new ArrayList<>();
                List<Map<String, Object>> plays = new ArrayList<>();
                long sum = 0;
                for (int i = 0; i < 100; i++) {
                    long n = translationsSent.get() + translations.size();
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("timestamp", FIRST.plusMillis(n * 100).toString());
                    t.put("translation_id", "t-" + n);
                    t.put("client_name", "client-" + n % 7);
                    t.put("target_language", "fr");
                    t.put("duration", 1 + n % 500);
                    translations.add(t);
                }
                for (int i = 0; i < 20; i++) {
                    long n = playsSent.get() + plays.size();
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("Song", SONGS.get((int) (n % SONGS.size())));
                    p.put("Date", FIRST_DAY.plusDays(n % 300).toString());
                    p.put("Number of Plays", n % 97);
                    sum += n % 97;
                    plays.add(p);
                }
                try {
                    translationsSent.addAndGet(translations.size());
                    JsonNode t = platform.client().sendJson("translation_delivered", Json.writeString(translations));
                    translationsAcknowledged.addAndGet(t.path("accepted").asLong());
                    playsSent.addAndGet(plays.size());
                    JsonNode p = platform.client().sendJson("song_play", Json.writeString(plays));
                    playsAcknowledged.addAndGet(p.path("accepted").asLong());
                    if (p.path("accepted").asLong() == plays.size()) {
                        playsSum.addAndGet(sum);
                    }
                } catch (RuntimeException e) {
                    synchronized (failures) {
                        failures.add("request " + request + ": " + e.getMessage());
                    }
                }
                request++;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
