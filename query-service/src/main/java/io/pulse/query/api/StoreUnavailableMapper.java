package io.pulse.query.api;

import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemResponses;
import io.pulse.query.QueryConfig;
import io.pulse.query.store.StoreOutage;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A read that fails because PostgreSQL cannot be reached is a {@code 503 store-unavailable} with a
 * {@code Retry-After}, not an internal error: the request was fine and will succeed once the database is back. It takes
 * precedence over the shared mapper of {@link Exception}, which answers every other failure.
 */
@Provider
@Priority(Priorities.USER - 100)
public class StoreUnavailableMapper implements ExceptionMapper<Exception> {

    @Inject
    QueryConfig config;

    @Override
    public Response toResponse(Exception e) {
        if (!StoreOutage.isOutage(e)) {
            return ProblemResponses.UnexpectedMapper.unexpected(e);
        }
        long retryAfter = Math.max(1, config.storeRetryMaxBackoff().toSeconds());
        Problem problem = Problem.of(503, "store-unavailable", "Store unavailable",
                "the metric store (PostgreSQL) cannot be reached; nothing is lost, ask again later")
                .with(ProblemResponses.RETRY_AFTER_SECONDS, retryAfter);
        return ProblemResponses.of(problem);
    }
}
