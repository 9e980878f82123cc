package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ingest stopped with SIGTERM while a steady stream of requests comes in through a load balancer that, as a
 * Kubernetes Service does, stops routing to an instance once its readiness reports it down: every request routed to
 * it is answered in full with a 202 and its events counted; none is cut off mid-way.
 */
class IngestDrainIT {

    private static final int SENDERS = 2;
    private static final int EVENTS_PER_REQUEST = 2_000;
    private static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    enum Outcome { ACCEPTED, REFUSED_AT_CONNECT, CUT, OTHER_STATUS }

    /** How often the load balancer reads the instance's readiness. */
    private static final Duration PROBE_PERIOD = Duration.ofMillis(100);

    @Test
    void sigtermLetsEveryRequestInFlightFinish() throws Exception {
        int port = platform.stack().port(Service.INGEST);
        String management = platform.stack().process(Service.INGEST).managementUrl();
        AtomicBoolean routable = new AtomicBoolean(true);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sequence = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        Map<Outcome, AtomicLong> outcomes = new ConcurrentHashMap<>();
        List<String> problems = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Thread sender = new Thread(() -> {
                while (!stop.get()) {
                    if (!routable.get()) {
                        pause(Duration.ofMillis(20));
                        continue;
                    }
                    long first = sequence.getAndAdd(EVENTS_PER_REQUEST);
                    sent.addAndGet(EVENTS_PER_REQUEST);
                    Answer answer = post(port, body(first));
                    outcomes.computeIfAbsent(answer.outcome(), o -> new AtomicLong()).incrementAndGet();
                    if (answer.outcome() == Outcome.ACCEPTED) {
                        acknowledged.addAndGet(answer.accepted());
                    } else if (answer.outcome() != Outcome.REFUSED_AT_CONNECT) {
                        synchronized (problems) {
                            problems.add(answer.outcome() + ": " + answer.detail());
                        }
                    }
                }
            }, "sender-" + i);
            sender.start();
            senders.add(sender);
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> acknowledged.get() >= 10L * EVENTS_PER_REQUEST);
        Instant sigterm = Instant.now();
        AtomicLong unroutedAfter = new AtomicLong(-1);
        Thread balancer = new Thread(() -> {
            while (platform.client().isReady(management)) {
                pause(PROBE_PERIOD);
            }
            routable.set(false);
            unroutedAfter.set(Duration.between(sigterm, Instant.now()).toMillis());
        }, "balancer");
        balancer.start();
        platform.stack().process(Service.INGEST).close(); // SIGTERM, then waits for the process to exit
        Duration stopped = Duration.between(sigterm, Instant.now());
        balancer.join();
        stop.set(true);
        for (Thread sender : senders) {
            sender.join();
        }

        System.out.printf("[drain] sent %d events in %s, acknowledged %d; routing stopped %d ms and ingest exited"
                + " %d ms after SIGTERM%n", sent.get(), outcomes, acknowledged.get(), unroutedAfter.get(),
                stopped.toMillis());
        assertThat(problems).as("requests cut off or answered otherwise than 202").isEmpty();
        assertThat(outcomes.get(Outcome.REFUSED_AT_CONNECT)).as("requests refused at connect").isNull();
        assertThat(unroutedAfter.get()).as("readiness reported down while the process still ran")
                .isBetween(0L, stopped.toMillis());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .until(() -> TranslationWorkload.counted(platform.client()) == acknowledged.get());
        Thread.sleep(3_000);
        assertThat(TranslationWorkload.counted(platform.client())).isEqualTo(acknowledged.get());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] body(long first) {
        StringBuilder ndjson = new StringBuilder();
        for (long n = first; n < first + EVENTS_PER_REQUEST; n++) {
            ndjson.append(Json.writeString(Map.of("timestamp", FIRST.plusMillis(n * 10).toString(),
                    "translation_id", "t-" + n, "client_name", "client-" + n % 11, "target_language", "de",
                    "duration", 1 + n % 300))).append('\n');
        }
        return ndjson.toString().getBytes(StandardCharsets.UTF_8);
    }

    private record Answer(Outcome outcome, long accepted, String detail) {
    }

    /**
     * One request on a connection of its own, so that how it ended is plain: the connection refused, an answer read to
     * its end, or the connection lost before that.
     */
    private static Answer post(int port, byte[] body) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        } catch (ConnectException e) {
            return new Answer(Outcome.REFUSED_AT_CONNECT, 0, e.getMessage());
        } catch (IOException e) {
            return new Answer(Outcome.CUT, 0, "connecting: " + e);
        }
        try (socket) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/events/translation_delivered HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + TestStacks.API_KEY
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            return new Answer(Outcome.CUT, 0, e.toString());
        }
    }

    /** The answer, if it arrived whole: its status line, headers and a body of its announced length or chunks. */
    private static Answer read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.UTF_8);
        int headersEnd = text.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return new Answer(Outcome.CUT, 0, "no complete headers in " + all.length + " bytes");
        }
        String[] headers = text.substring(0, headersEnd).split("\r\n");
        int status = Integer.parseInt(headers[0].split(" ")[1]);
        String rest = text.substring(headersEnd + 4);
        String entity = null;
        for (String header : headers) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                int length = Integer.parseInt(h.substring(15).trim());
                entity = rest.getBytes(StandardCharsets.UTF_8).length == length ? rest : null;
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                entity = dechunk(rest);
            }
        }
        if (entity == null) {
            return new Answer(Outcome.CUT, 0, "status " + status + ", body incomplete: " + rest);
        }
        if (status != 202) {
            return new Answer(Outcome.OTHER_STATUS, 0, status + " " + entity);
        }
        JsonNode answer = Json.read(entity, JsonNode.class);
        return new Answer(Outcome.ACCEPTED, answer.path("accepted").asLong(), null);
    }

    /** A chunked body, or null if it ends before its last chunk. */
    private static String dechunk(String chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] bytes = chunked.getBytes(StandardCharsets.UTF_8);
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return null;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            if (lineEnd + 2 + size > bytes.length) {
                return null;
            }
            body.write(bytes, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
