package io.pulse.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Workload;
import io.pulse.common.json.Json;
import io.pulse.stack.client.Credentials;
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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /** How a workload was sent and what its samples measured. */
    /** {@code completeNanos}: when the query API first showed every bucket with its expected count. */
    public record Sent(String transport, long startNanos, long completeNanos, List<Double> freshnessMillis) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String ingestUrl;
    private final Optional<String> apiKey;
    private final QueryApi query;
    private final ExecutorService watching = Executors.newSingleThreadExecutor();

    public Ingestion(String ingestUrl, String apiKey, QueryApi query) {
        this.ingestUrl = ingestUrl;
        this.apiKey = Optional.of(apiKey);
        this.query = query;
    }

    /**
     * Sends every event and returns once ingest has acknowledged all of them and every freshness sample is in.
     *
     * @param allowedLateness the metric's: requests in flight together never span more event time than this, so
     *                        concurrency alone makes no event late
     */
    public Sent send(Workload workload, Generated generated, Duration allowedLateness, Duration timeout)
            throws Exception {
        BucketWatcher watcher = new BucketWatcher(query, workload, generated);
        AtomicBoolean sent = new AtomicBoolean();
        long start = System.nanoTime();
        Future<Long> complete = watching.submit(() -> watcher.await(sent::get, timeout));
        String transport;
        try {
            transport = workload.format() == Workload.Format.CSV
                    ? upload(workload, generated, watcher)
                    : post(workload, generated, allowedLateness, watcher);
        } finally {
            sent.set(true);
        }
        long completeNanos = complete.get();
        return new Sent(transport, start, completeNanos, List.copyOf(watcher.freshnessMillis()));
    }

    private String post(Workload workload, Generated generated, Duration allowedLateness, BucketWatcher watcher)
            throws Exception {
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
                if (r >= concurrency) {
                    // Request r starts only once every request before r - concurrency + 1 is acknowledged, so the
                    // requests in flight are always consecutive: a slow one overtaken by later ones would widen the
                    // event time in flight past the allowed lateness, and the run would measure revisions of final
                    // buckets instead of in-order ingestion.
                    sent.get(r - concurrency).get();
                }
                int from = r * perRequest;
                int to = Math.min(size, from + perRequest);
                boolean sampled = r % sampleEvery == sampleEvery - 1 || r == requests - 1;
                sent.add(senders.submit(() -> {
                    HttpRequest request = Credentials.authorize(HttpRequest.newBuilder(target), apiKey).header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(generated.body(from, to))).build();
                    JsonNode answer = Json.MAPPER.readTree(expect(request, 202));
                    if (answer.path("accepted").asLong() != to - from) {
                        throw new IllegalStateException("ingest accepted " + answer.path("accepted") + " of "
                                + (to - from) + " " + workload.type() + " events: " + answer);
                    }
                    if (sampled) {
                        watcher.add(sample(generated, to, System.nanoTime()));
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

    private String upload(Workload workload, Generated generated, BucketWatcher watcher) throws Exception {
        int size = generated.size();
        int perPart = (size + UPLOAD_PARTS - 1) / UPLOAD_PARTS;
        List<String> ids = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int from = 0; from < size; from += perPart) {
            int to = Math.min(size, from + perPart);
            HttpRequest request = Credentials.authorize(HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/uploads/" + workload.type())), apiKey)
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
            watcher.add(sample(generated, ends.get(u), done));
            from = ends.get(u);
        }
        return String.format("POST /v1/uploads CSV, %d files of %,d rows, one after another", ids.size(), perPart);
    }

    private JsonNode awaitUpload(String id) throws Exception {
        HttpRequest request = Credentials.authorize(HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/uploads/" + id)), apiKey).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            JsonNode status = Json.MAPPER.readTree(expect(request, 200));
            if (!"processing".equals(status.path("state").asText()) || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(10);
        }
    }

    /** The bucket of event {@code end - 1} must count every event of that bucket among events {@code [0, end)}. */
    private static BucketWatcher.Sample sample(Generated generated, int end, long ackNanos) {
        long bucket = generated.expected().bucketOf(generated.eventTimes()[end - 1]);
        long needed = 0;
        for (int i = 0; i < end; i++) {
            if (generated.expected().bucketOf(generated.eventTimes()[i]) == bucket) {
                needed++;
            }
        }
        return new BucketWatcher.Sample(bucket, needed, ackNanos);
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
        watching.shutdownNow();
    }
}
