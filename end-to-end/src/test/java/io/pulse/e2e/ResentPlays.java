package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.stack.client.PulseClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Song plays sent as the API asks a client to send: many requests of {@code song_play}, a type without an id (so
 * nothing downstream could drop a repeat), each with its own Idempotency-Key, resent on any failure until a 202
 * is kept. What the client sent gives the plays expected per song and day, computed here, not by Pulse.
 */
final class ResentPlays {

    static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 1);
    static final int DAYS = 10;

    private final String songs;
    private final int eventsPerRequest;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Long> expected = new TreeMap<>();
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong eventsSent = new AtomicLong();
    final AtomicLong acknowledgedRequests = new AtomicLong();
    final AtomicLong acknowledgedEvents = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    private final List<Future<?>> running = new ArrayList<>();
    private ExecutorService senders;

    private record Request(String key, String body, boolean loseFirstReply) {
    }

    /**
     * @param songs      a prefix of the song names, so that each run counts only its own events
     * @param loseEveryN every n-th request's first 202 is dropped by the client, which then sends it again (0: none)
     */
    ResentPlays(String songs, int requests, int eventsPerRequest, int loseEveryN) {
        this.songs = songs;
        this.eventsPerRequest = eventsPerRequest;
        Random random = new Random(songs.hashCode());
        for (int r = 0; r < requests; r++) {
            StringBuilder body = new StringBuilder();
            for (int e = 0; e < eventsPerRequest; e++) {
                String song = songs + "-" + random.nextInt(20);
                LocalDate day = FIRST_DAY.plusDays(random.nextInt(DAYS));
                body.append("{\"Song\":\"").append(song).append("\",\"Date\":\"").append(day)
                        .append("\",\"Number of Plays\":").append(1 + random.nextInt(9)).append("}\n");
                expected.merge(song + "@" + day, 1L, Long::sum);
            }
            this.requests.add(new Request(UUID.randomUUID().toString(), body.toString(),
                    loseEveryN > 0 && r % loseEveryN == 0));
        }
    }

    long total() {
        return (long) requests.size() * eventsPerRequest;
    }

    int requests() {
        return requests.size();
    }

    /** Plays per "song@date", from what was sent. */
    Map<String, Long> expected() {
        return expected;
    }

    /** Starts sending from {@code senders} threads; {@code ingestUrl} is asked again for every attempt. */
    void start(Supplier<String> ingestUrl, int senderCount) {
        ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>(requests);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        senders = Executors.newFixedThreadPool(senderCount);
        for (int i = 0; i < senderCount; i++) {
            running.add(senders.submit(() -> {
                for (Request request; (request = queue.poll()) != null; ) {
                    sendUntilAccepted(http, ingestUrl, request);
                }
                return null;
            }));
        }
    }

    /** Waits until every request was answered 202; a sender's failed assertion fails the caller. */
    void awaitAcknowledged() throws Exception {
        for (Future<?> sender : running) {
            sender.get();
        }
        senders.shutdown();
    }

    /** Sends until a 202 is kept: a connection error or a 5xx (or a 409, the same key still running) is resent. */
    private void sendUntilAccepted(HttpClient http, Supplier<String> ingestUrl, Request request)
            throws InterruptedException {
        boolean lose = request.loseFirstReply();
        while (true) {
            attempts.incrementAndGet();
            eventsSent.addAndGet(eventsPerRequest);
            try {
                HttpResponse<String> response = http.send(TestStacks.request(
                                URI.create(ingestUrl.get() + "/v1/events/song_play"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Idempotency-Key", request.key())
                        .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    if ("true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null))) {
                        replayed.incrementAndGet();
                    }
                    if (lose) {
                        lose = false;
                        continue;
                    }
                    assertThat(response.body()).contains("\"accepted\":" + eventsPerRequest);
                    acknowledgedRequests.incrementAndGet();
                    acknowledgedEvents.addAndGet(eventsPerRequest);
                    return;
                }
                assertThat(response.statusCode()).as(response.body()).isIn(409, 500, 502, 503, 504);
            } catch (IOException e) {
                // the service is down, or the connection went down mid-request: resend
            }
            Thread.sleep(200);
        }
    }

    /** Plays counted per "song@date" by the query service, for this run's songs. */
    Map<String, Long> counted(PulseClient client) {
        JsonNode answer = client.query("/v1/metrics/plays/series?agg=count&step=1d&group_by=Song&from=" + FIRST_DAY
                + "&to=" + FIRST_DAY.plusDays(DAYS));
        Map<String, Long> values = new TreeMap<>();
        for (JsonNode series : answer.path("series")) {
            String song = series.path("group").path("Song").asText();
            if (!song.startsWith(songs + "-")) {
                continue;
            }
            for (JsonNode p : series.path("points")) {
                if (p.path("value").asLong() > 0) {
                    values.put(song + "@" + p.path("ts").asText().substring(0, 10), p.path("value").asLong());
                }
            }
        }
        return values;
    }

    long countedTotal(PulseClient client) {
        return counted(client).values().stream().mapToLong(Long::longValue).sum();
    }
}
