package io.pulse.stack.services;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Where the services' output goes: each line prefixed with its instance's name onto a stream ({@code ./pulse up}
 * streams every service's log), or one file per instance ({@link LogFiles}, for {@code ./pulse demo}, whose
 * terminal shows only its own progress and the answer).
 */
public interface ServiceLogs {

    /** The sink of one instance's output lines; closed once its process's output ends. */
    LineSink open(String instance) throws IOException;

    /** Lines of one instance's output, in order. */
    interface LineSink extends Closeable {
        void line(String line) throws IOException;
    }

    /** Every line as {@code [instance] line} on {@code out}. */
    static ServiceLogs prefixed(PrintStream out) {
        return instance -> new LineSink() {
            @Override
            public void line(String line) {
                out.println("[" + instance + "] " + line);
            }

            @Override
            public void close() {
                // the stream is the caller's
            }
        };
    }
}
