package io.pulse.stack.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A small HTTP client for a running Pulse: sends events to ingest, asks the query API. */
public final class PulseClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String ingestUrl;
    private final String queryUrl;
    private final Optional<String> apiKey;

    /** @param apiKey sent as the bearer token of every API call (none: calls are unauthenticated) */
    public PulseClient(String ingestUrl, String queryUrl, Optional<String> apiKey) {
        this.ingestUrl = ingestUrl;
        this.queryUrl = queryUrl;
        this.apiKey = apiKey;
    }

    /** Posts an NDJSON file as events of one type; answers ingest's 202 body. */
    public JsonNode sendNdjson(String type, Path file) {
        try {
            return send(api(URI.create(ingestUrl + "/v1/events/" + type))
                    .header("Content-Type", MediaTypes.NDJSON)
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), 202);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Posts one JSON body (an object or an array) as events of one type. */
    public JsonNode sendJson(String type, String body) {
        return send(api(URI.create(ingestUrl + "/v1/events/" + type))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 202);
    }

    /** Uploads a file as events of one type ({@code text/csv} or {@code application/x-ndjson}); answers its id. */
    public String upload(String type, Path file, String contentType) {
        try {
            return send(api(URI.create(ingestUrl + "/v1/uploads/" + type))
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), 202).path("upload_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** An upload's status: its state, counts and errors. */
    public JsonNode uploadStatus(String id) {
        return send(api(URI.create(ingestUrl + "/v1/uploads/" + id)).GET().build(), 200);
    }

    /** GETs a query API path such as {@code /v1/metrics/delivery_time/moving?window=10m}. */
    public JsonNode query(String pathAndQuery) {
        return send(api(URI.create(queryUrl + pathAndQuery)).GET().build(), 200);
    }

    /**
     * Whether a service reports ready.
     *
     * @param managementUrl the service's management interface, where its health is (not its API), e.g.
     *                      {@code http://127.0.0.1:9083}
     */
    public boolean isReady(String managementUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(managementUrl + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder api(URI uri) {
        return Credentials.authorize(HttpRequest.newBuilder(uri), apiKey);
    }

    private JsonNode send(HttpRequest request, int expected) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
