package io.pulse.common.problem;

/** Ends a request with a problem response; thrown wherever the client's mistake is found. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.getDetail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
