package io.pulse.query.api;

import io.pulse.common.pipeline.Durations;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemResponses;
import io.pulse.common.problem.Problems;
import io.pulse.query.QueryConfig;
import io.pulse.query.store.AnsweringConnections;
import io.pulse.query.store.AnsweringStatementTimeout;
import io.pulse.query.store.StoreOutage;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A read that fails for want of the store is a {@code 503} with a {@code Retry-After}, not an internal error: the
 * request was fine. PostgreSQL cannot be reached ({@code store-unavailable}: it will succeed once the database is
 * back), every answering connection is busy ({@code store-busy}), or the statement ran past the answering
 * connections' {@code statement_timeout} and PostgreSQL cancelled it ({@code query-timeout}, without
 * {@code Retry-After}: the same question would take as long again; a narrower one is answered). It takes precedence over the shared mapper of
 * {@link Exception}, which answers every other failure.
 */
@Provider
@Priority(Priorities.USER - 100)
public class StoreUnavailableMapper implements ExceptionMapper<Exception> {

    @Inject
    QueryConfig config;

    @Override
    public Response toResponse(Exception e) {
        if (AnsweringStatementTimeout.isTimeout(e)) {
            String limit = Durations.format(config.statementTimeout());
            return ProblemResponses.of(Problems.overLimit(503, "query-timeout", "Query timeout", "answering took longer "
                    + "than the " + limit + " a question may run in the store, and was cancelled; ask for a shorter "
                    + "range, a larger step, fewer groups or a where filter", limit, "pulse.query.statement-timeout"));
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof AnsweringConnections.StoreBusyException busy) {
                return ProblemResponses.of(Problems.overLimit(503, "store-busy", "Store busy", "all " + busy.poolSize()
                        + " connections that answer questions are in use; ask again shortly", busy.poolSize(),
                        AnsweringConnections.POOL_SIZE).with(ProblemResponses.RETRY_AFTER_SECONDS, 1));
            }
        }
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
