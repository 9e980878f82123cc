package io.pulse.stack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Calls for the services' access-control tests, over plain HTTP with exactly the credential given (none of the
 * test defaults): every operation the service's OpenAPI document declares, and the credentials none may accept.
 */
public final class AccessChecks {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AccessChecks() {
    }

    /** One operation, its path parameters filled in. */
    public record Call(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** The status, headers and (for a stream, the first part of the) body of one answer. */
    public record Answer(int status, String contentType, String wwwAuthenticate, String retryAfter, String body) {
        public JsonNode json() {
            return Json.read(body, JsonNode.class);
        }
    }

    /** Authorization headers that must be refused with 401 by every operation. */
    public static Map<String, String> refusedCredentials() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("no credential", null);
        refused.put("unknown API key", "Bearer pulse_unknownunknownunknownunknownunknownun");
        refused.put("JWT signed by an untrusted key", "Bearer " + JwtIssuer.forged("mallory", "admin"));
        refused.put("expired JWT", "Bearer " + JwtIssuer.expired("alice", "admin"));
        refused.put("not a bearer token", "Basic YWRtaW46YWRtaW4=");
        return refused;
    }

    /** The service's OpenAPI document, which anyone may read. */
    public static JsonNode openApi(URI root) {
        return call(root, new Call("GET", "/q/openapi?format=json"), null, null, null).json();
    }

    /**
     * What the OpenAPI document lacks to declare the bearer scheme on every operation: the scheme itself, and each
     * operation that does not name it among its security; empty when nothing is missing.
     */
    public static List<String> bearerGaps(URI root) {
        JsonNode openApi = openApi(root);
        List<String> gaps = new ArrayList<>();
        if (!openApi.at("/components/securitySchemes/bearer/scheme").asText().equals("bearer")) {
            gaps.add("no bearer scheme in components.securitySchemes");
        }
        openApi.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (op.getValue().path("security").findParent("bearer") == null) {
                gaps.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return gaps;
    }

    /**
     * Sends every operation with every {@link #refusedCredentials() refused credential} and answers those that were
     * not refused as they must be: 401, problem+json of type {@code unauthenticated}, {@code WWW-Authenticate: Bearer};
     * empty when every one was.
     *
     * @param contentType the body's type per operation, with a body {@code []}; null: no body
     */
    public static List<String> notRefused(URI root, List<Call> operations, Function<Call, String> contentType) {
        List<String> let = new ArrayList<>();
        for (Call operation : operations) {
            refusedCredentials().forEach((credential, authorization) -> {
                String type = contentType.apply(operation);
                Answer answer = call(root, operation, authorization, type, type == null ? null : "[]");
                boolean refused = answer.status() == 401 && answer.contentType().startsWith("application/problem+json")
                        && answer.json().path("type").asText().endsWith("unauthenticated")
                        && answer.wwwAuthenticate() != null && answer.wwwAuthenticate().startsWith("Bearer");
                if (!refused) {
                    let.add(operation + " with " + credential + ": " + answer.status() + " " + answer.body());
                }
            });
        }
        return let;
    }

    /** Every operation of the service's {@code /q/openapi}, with {@code {name}} path parameters from {@code values}. */
    public static List<Call> operations(URI root, Map<String, String> values) {
        JsonNode paths = openApi(root).path("paths");
        List<Call> calls = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            String filled = path.getKey();
            for (Map.Entry<String, String> value : values.entrySet()) {
                filled = filled.replace("{" + value.getKey() + "}", value.getValue());
            }
            if (filled.contains("{")) {
                throw new IllegalArgumentException("no value for a path parameter of " + path.getKey());
            }
            calls.add(new Call(method.toUpperCase(Locale.ROOT), filled));
        }));
        return calls;
    }

    /**
     * Sends {@code call} with the given Authorization header (none if null) and body (none if null); an event
     * stream that opened is closed at once, its body left unread.
     */
    public static Answer call(URI root, Call call, String authorization, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(call.path())).timeout(Duration.ofSeconds(30))
                .method(call.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            String text;
            try (InputStream in = response.body()) {
                text = type.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Answer(response.statusCode(), type, response.headers().firstValue("WWW-Authenticate").orElse(null),
                    response.headers().firstValue("Retry-After").orElse(null), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
