package io.pulse.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.client.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads series from the query API, in as many requests as its point limit needs. */
public final class QueryApi {

    /** Under the query service's default {@code pulse.query.max-points} of 10,000. */
    private static final int MAX_POINTS = 9_000;

    /** One point of one series: the group's values in the order asked, the bucket start, value, count and error. */
    public record Point(List<String> group, long ts, Double value, long count, double relativeError) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final Optional<String> apiKey;

    public QueryApi(String url, String apiKey) {
        this.url = url;
        this.apiKey = Optional.of(apiKey);
    }

    /** Every point of {@code agg} per bucket of {@code step} over {@code [from, to)}, one series per group. */
    public List<Point> series(String metric, String agg, Duration step, List<String> groupBy, long from, long to,
                              int groups) {
        List<Point> points = new ArrayList<>();
        long chunk = step.toMillis() * Math.max(1, MAX_POINTS / Math.max(1, groups));
        for (long start = from; start < to; start += chunk) {
            String query = "/v1/metrics/" + metric + "/series?agg=" + agg + "&step=" + step.toSeconds() + "s"
                    + "&from=" + Instant.ofEpochMilli(start) + "&to=" + Instant.ofEpochMilli(Math.min(to, start + chunk))
                    + (groupBy.isEmpty() ? "" : "&group_by=" + URLEncoder.encode(String.join(",", groupBy), StandardCharsets.UTF_8));
            for (JsonNode series : get(query).path("series")) {
                List<String> group = groupBy.stream().map(f -> series.path("group").path(f).asText()).toList();
                for (JsonNode p : series.path("points")) {
                    points.add(new Point(group, Instant.parse(p.path("ts").asText()).toEpochMilli(),
                            p.path("value").isNull() ? null : p.path("value").asDouble(), p.path("count").asLong(),
                            p.path("error").path("relative").asDouble(0)));
                }
            }
        }
        return points;
    }

    /** The events counted in one bucket, all groups together. */
    public long count(String metric, Duration granularity, long bucketStart) {
        List<Point> points = series(metric, "count", granularity, List.of(), bucketStart,
                bucketStart + granularity.toMillis(), 1);
        return points.stream().mapToLong(Point::count).sum();
    }

    private JsonNode get(String pathAndQuery) {
        HttpRequest request = Credentials.authorize(HttpRequest.newBuilder(URI.create(url + pathAndQuery)), apiKey).timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
