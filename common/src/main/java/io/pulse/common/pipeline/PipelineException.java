package io.pulse.common.pipeline;

/** The pipeline file cannot be used; the message names the file, the place in it and the fix. */
public class PipelineException extends RuntimeException {

    public PipelineException(String source, String path, String problem, String fix) {
        super("Invalid pipeline file " + source + " at '" + path + "': " + problem + ". Fix: " + fix);
    }

    public PipelineException(String source, String problem, Throwable cause) {
        super("Invalid pipeline file " + source + ": " + problem, cause);
    }
}
