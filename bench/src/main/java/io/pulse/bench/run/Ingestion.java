package io.pulse.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Workload;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a generated workload through the HTTP ingest and samples freshness: for some requests, the time from
 * ingest's acknowledgement (the 202, or an upload's {@code done}) until the query API counts the bucket of the
 * request's last event with at least every event of that bucket sent so far.
 */
public final class Ingestion implements AutoCloseable {

    /** Events per NDJSON request: large, well under ingest's 64 MiB body limit. */
    private static final int MAX_PER_REQUEST = 10_000;
    private static final int MAX_CONCURRENCY = 4;
    /** CSV files are sent as this many uploads, so that each one's completion is a freshness sample. */
    private static final int UPLOAD_PARTS = 10;
    private static final int SAMPLES = 20;
    /** Between freshness polls: the resolution of the figure, traded against load on the query service. */
    private static final long POLL_MILLIS = 20;
    private static final Duration FRESHNESS_TIMEOUT = Duration.ofMinutes(5);

    /** How a workload was sent and what its samples measured. */
    public record Sent(String transport, long startNanos, List<Double> freshnessMillis, int missedSamples) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String ingestUrl;
    private final QueryApi query;
    /** A thread per sample in flight, so that no sample waits for another's. */
    private final ExecutorService probes = Executors.newCachedThreadPool();

    public Ingestion(String ingestUrl, QueryApi query) {
        this.ingestUrl = ingestUrl;
        this.query = query;
    }

    /**
     * Sends every event and returns once ingest has acknowledged all of them and every freshness sample is in.
     *
     * @param allowedLateness the metric's: requests in flight together never span more event time than this, so
     *                        concurrency alone makes no event late
     */
    public Sent send(Workload workload, Generated generated, Duration allowedLateness) throws Exception {
        List<Double> freshness = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger missed = new AtomicInteger();
        List<Future<?>> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        String transport = workload.format() == Workload.Format.CSV
                ? upload(workload, generated, freshness, missed, samples)
                : post(workload, generated, allowedLateness, freshness, missed, samples);
        for (Future<?> sample : List.copyOf(samples)) {
            sample.get();
        }
        return new Sent(transport, start, List.copyOf(freshness), missed.get());
    }

    private String post(Workload workload, Generated generated, Duration allowedLateness, List<Double> freshness,
                        AtomicInteger missed, List<Future<?>> samples) throws Exception {
        int size = generated.size();
        int perRequest = Math.min(MAX_PER_REQUEST, Math.max(100, size / SAMPLES));
        int requests = (size + perRequest - 1) / perRequest;
        long span = 1;
        for (int r = 0; r < requests; r++) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = r * perRequest; i < Math.min(size, (r + 1) * perRequest); i++) {
                min = Math.min(min, generated.eventTimes()[i]);
                max = Math.max(max, generated.eventTimes()[i]);
            }
            span = Math.max(span, max - min);
        }
        int concurrency = (int) Math.max(1, Math.min(MAX_CONCURRENCY, allowedLateness.toMillis() / span));
        int sampleEvery = Math.max(1, requests / SAMPLES);
        URI target = URI.create(ingestUrl + "/v1/events/" + workload.type());
        ExecutorService senders = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                int from = r * perRequest;
                int to = Math.min(size, from + perRequest);
                boolean sampled = r % sampleEvery == sampleEvery - 1 || r == requests - 1;
                sent.add(senders.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(generated.body(from, to))).build();
                    JsonNode answer = Json.MAPPER.readTree(expect(request, 202));
                    if (answer.path("accepted").asLong() != to - from) {
                        throw new IllegalStateException("ingest accepted " + answer.path("accepted") + " of "
                                + (to - from) + " " + workload.type() + " events: " + answer);
                    }
                    if (sampled) {
                        samples.add(probe(workload, generated, to, System.nanoTime(), freshness, missed));
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }
        return String.format("POST /v1/events NDJSON, %,d requests of %,d, %d at a time", requests, perRequest, concurrency);
    }

    private String upload(Workload workload, Generated generated, List<Double> freshness, AtomicInteger missed,
                          List<Future<?>> samples) throws Exception {
        int size = generated.size();
        int perPart = (size + UPLOAD_PARTS - 1) / UPLOAD_PARTS;
        List<String> ids = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int from = 0; from < size; from += perPart) {
            int to = Math.min(size, from + perPart);
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/uploads/" + workload.type()))
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(generated.body(from, to)))
                    .build();
            ids.add(Json.MAPPER.readTree(expect(request, 202)).path("upload_id").asText());
            ends.add(to);
        }
        // Uploads are read one at a time in the order received: wait for each to be done in turn.
        int from = 0;
        for (int u = 0; u < ids.size(); u++) {
            JsonNode status = awaitUpload(ids.get(u));
            long done = System.nanoTime();
            int rows = ends.get(u) - from;
            if (!"done".equals(status.path("state").asText()) || status.path("accepted").asLong() != rows) {
                throw new IllegalStateException("upload " + ids.get(u) + " of " + rows + " " + workload.type()
                        + " rows ended as " + status);
            }
            samples.add(probe(workload, generated, ends.get(u), done, freshness, missed));
            from = ends.get(u);
        }
        return String.format("POST /v1/uploads CSV, %d files of %,d rows, one after another", ids.size(), perPart);
    }

    private JsonNode awaitUpload(String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/uploads/" + id)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            JsonNode status = Json.MAPPER.readTree(expect(request, 200));
            if (!"processing".equals(status.path("state").asText()) || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Polls until the bucket of event {@code end - 1} counts every event of that bucket among events
     * {@code [0, end)}, then records the time since {@code ackNanos}.
     */
    private Future<?> probe(Workload workload, Generated generated, int end, long ackNanos, List<Double> freshness,
                            AtomicInteger missed) {
        long bucket = generated.expected().bucketOf(generated.eventTimes()[end - 1]);
        long needed = 0;
        for (int i = 0; i < end; i++) {
            if (generated.expected().bucketOf(generated.eventTimes()[i]) == bucket) {
                needed++;
            }
        }
        long threshold = needed;
        return probes.submit(() -> {
            long deadline = ackNanos + FRESHNESS_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (query.count(workload.metric(), workload.granularity(), bucket) >= threshold) {
                    freshness.add((System.nanoTime() - ackNanos) / 1e6);
                    return null;
                }
                Thread.sleep(POLL_MILLIS);
            }
            missed.incrementAndGet();
            return null;
        });
    }

    private String expect(HttpRequest request, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
