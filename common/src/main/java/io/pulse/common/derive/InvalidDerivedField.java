package io.pulse.common.derive;

/** A derived field's declaration cannot be used; the pipeline loader adds the file and the place of the field. */
public final class InvalidDerivedField extends RuntimeException {

    private final String path;
    private final String problem;
    private final String fix;

    InvalidDerivedField(String path, String problem, String fix) {
        super(problem);
        this.path = path;
        this.problem = problem;
        this.fix = fix;
    }

    /** Where inside the declaration, such as {@code precision} or {@code heat-index.humidity}; empty for all of it. */
    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }
}
