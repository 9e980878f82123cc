package io.pulse.ingest.deadletter;

import io.pulse.common.access.Scopes;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code GET /v1/dead-letters?type=&since=&limit=}: the newest refused items of one event type, with their reasons
 * and text as received, so the sender can see what to fix. Whoever may send the type, as events or as uploads, may
 * read what of it was refused.
 */
@Path("/v1/dead-letters")
@Authenticated
public class DeadLetterResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private static final List<UnaryOperator<String>> READERS = List.of(Scopes::ingest, Scopes::upload);

    @Inject
    Access access;

    @Inject
    Pipeline pipeline;

    @Inject
    DeadLetterReader reader;

    @GET
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public DeadLetterPage list(@QueryParam("type") String typeName, @QueryParam("since") String since,
                               @QueryParam("limit") String limit) {
        if (typeName == null || typeName.isBlank()) {
            throw invalid("type", "required: the event type whose dead letters to list", readableTypes())
                    .exception();
        }
        EventType type = access.eventTypeForAny(typeName.trim(), READERS);
        Instant from = SinceParameter.parse(since, Instant.now());
        return reader.newest(type.name(), from, limit(limit));
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw invalid("limit", "'" + text + "' is not a whole number from 1 to " + MAX_LIMIT,
                    List.of("1…" + MAX_LIMIT)).with("value", text).exception();
        }
        return n;
    }

    /** The event types whose dead letters the caller may read, to say what {@code type} may be. */
    private List<String> readableTypes() {
        return pipeline.eventTypes().keySet().stream()
                .filter(t -> READERS.stream().anyMatch(s -> access.allows(s.apply(t)))).toList();
    }

    /** A 400 naming the parameter, in the same shape as the query service's {@code invalid-parameter}. */
    static Problem invalid(String parameter, String what, List<String> allowed) {
        return Problem.of(400, "invalid-parameter", "Invalid query parameter", parameter + ": " + what)
                .with("parameter", parameter).with("allowed", allowed);
    }
}
