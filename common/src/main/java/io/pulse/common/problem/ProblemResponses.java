package io.pulse.common.problem;

import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * Turns every failure of a Pulse HTTP endpoint into {@code application/problem+json}: the client's mistakes keep
 * their 4xx status and say what and where; anything else is a 500 that names no internals.
 */
public final class ProblemResponses {

    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);

    private ProblemResponses() {
    }

    /** The member of a problem that says when to try again; it is also sent as the Retry-After header. */
    public static final String RETRY_AFTER_SECONDS = "retry_after_seconds";

    /** The answer carrying {@code problem}, with its status (and Retry-After, when it says when to retry). */
    public static Response of(Problem problem) {
        Response.ResponseBuilder answer = Response.status(problem.getStatus()).type(MediaTypes.PROBLEM_JSON)
                .entity(Json.writeString(problem));
        Object retryAfter = problem.getExtensions().get(RETRY_AFTER_SECONDS);
        if (retryAfter != null) {
            answer.header("Retry-After", retryAfter);
        }
        return answer.build();
    }

    /** Problems raised by Pulse code. */
    @Provider
    public static class ProblemMapper implements ExceptionMapper<ProblemException> {
        @Override
        public Response toResponse(ProblemException e) {
            return of(e.problem());
        }
    }

    /** Problems the HTTP layer finds before Pulse code runs: no such route, wrong method or media type. */
    @Provider
    public static class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status >= 500) {
                LOG.error("request failed", e);
            }
            Response.StatusType type = Response.Status.fromStatusCode(status);
            String title = type == null ? "HTTP " + status : type.getReasonPhrase();
            String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
            return of(Problem.of(status, slug, title, e.getMessage()));
        }
    }

    /** A fault of the service, not of the request: logged in full, answered without internals. */
    @Provider
    public static class UnexpectedMapper implements ExceptionMapper<Exception> {

        /** The 500 itself, for a service's own mapper of {@link Exception} that answers some failures otherwise. */
        public static Response unexpected(Exception e) {
            return new UnexpectedMapper().toResponse(e);
        }

        @Override
        public Response toResponse(Exception e) {
            LOG.error("unexpected failure", e);
            return of(Problem.of(500, "internal-error", "Internal error",
                    "The service failed to handle the request; it has been logged."));
        }
    }
}
