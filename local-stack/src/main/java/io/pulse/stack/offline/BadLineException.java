package io.pulse.stack.offline;

import java.nio.file.Path;

/** A line of an input file that cannot be read as an event: names the file, the line and why. */
public final class BadLineException extends Exception {

    private final long line;

    BadLineException(Path file, long line, String reason) {
        super(file.getFileName() + ":" + line + ": " + reason);
        this.line = line;
    }

    /** The 1-based line number. */
    public long line() {
        return line;
    }
}
