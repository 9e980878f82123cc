package io.pulse.query.api;

import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemResponses;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A question refused for now, not for what it asks: its problem, and the {@code Retry-After} seconds it is answered
 * with (also its {@code retry_after_seconds} member).
 */
public final class RetryLater extends RuntimeException {

    private final transient Problem problem;
    private final long seconds;

    RetryLater(Problem problem, long seconds) {
        super(problem.getDetail(), null, false, false);
        this.problem = problem.with("retry_after_seconds", seconds);
        this.seconds = seconds;
    }

    /** The problem answer with its {@code Retry-After} header. */
    Response response() {
        return Response.fromResponse(ProblemResponses.of(problem)).header(HttpHeaders.RETRY_AFTER, seconds).build();
    }

    @Provider
    public static class Mapper implements ExceptionMapper<RetryLater> {
        @Override
        public Response toResponse(RetryLater e) {
            return e.response();
        }
    }
}
