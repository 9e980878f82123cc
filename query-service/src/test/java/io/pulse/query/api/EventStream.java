package io.pulse.query.api;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import io.pulse.stack.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A server-sent event stream read over real HTTP, its events collected as they arrive. */
final class EventStream implements AutoCloseable {

    /** One event: its name and its data lines joined. */
    record Event(String name, String data) {
        JsonNode json() {
            return Json.read(data, JsonNode.class);
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "event-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream and waits for its response headers; the status is the caller's to check. */
    static EventStream open(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header(TestKeys.AUTHORIZATION, TestKeys.admin()).header("Accept", "text/event-stream").build();
        return new EventStream(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()));
    }

    int status() {
        return response.statusCode();
    }

    private void read() {
        String name = "message";
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring("data:".length()).strip());
                }
            }
        } catch (RuntimeException e) {
            // closed by the test
        }
    }

    List<Event> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Waits for a {@code bucket} event whose data matches, and answers it. */
    JsonNode awaitBucket(Predicate<JsonNode> matching) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> named("bucket").stream().map(Event::json).anyMatch(matching));
        return named("bucket").stream().map(Event::json).filter(matching).reduce((a, b) -> b).orElseThrow();
    }

    @Override
    public void close() {
        response.body().close();
    }
}
