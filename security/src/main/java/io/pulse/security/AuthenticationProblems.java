package io.pulse.security;

import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemResponses;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Missing or refused credentials, answered as problems like every other mistake. */
public final class AuthenticationProblems {

    private AuthenticationProblems() {
    }

    static Response unauthenticated(String detail) {
        return Response.fromResponse(ProblemResponses.of(Problem.of(401, "unauthenticated", "Unauthenticated", detail)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pulse\"").build();
    }

    /** No credential at all. */
    @Provider
    public static class MissingCredential implements ExceptionMapper<UnauthorizedException> {
        @Override
        public Response toResponse(UnauthorizedException e) {
            return unauthenticated("send 'Authorization: Bearer <API key or JWT>'");
        }
    }

    /** A credential that is no known API key and no valid JWT (unknown, revoked, expired, forged). */
    @Provider
    public static class RefusedCredential implements ExceptionMapper<AuthenticationFailedException> {
        @Override
        public Response toResponse(AuthenticationFailedException e) {
            return unauthenticated("the bearer token is no valid API key or JWT");
        }
    }
}
