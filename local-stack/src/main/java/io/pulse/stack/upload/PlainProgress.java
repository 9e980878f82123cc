package io.pulse.stack.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Progress as plain lines, for output that is not a terminal (a log, a pipe): at most one line a second. */
public final class PlainProgress implements UploadProgress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter out;
    private long lastLine = System.nanoTime() - INTERVAL_NANOS;
    private boolean sendingDone;

    public PlainProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void sent(long bytes, long total) {
        if (bytes == total || due()) {
            out.printf("sent %,d of %,d bytes (%d%%)%n", bytes, total, total == 0 ? 100 : bytes * 100 / total);
            out.flush();
        }
    }

    @Override
    public void status(JsonNode status, long expectedRows) {
        boolean last = !status.path("state").asText().equals("processing");
        if (last || due() || !sendingDone) {
            sendingDone = true;
            out.printf("%s: %,d rows read (about %,d in the file), %,d accepted, %,d rejected%n",
                    status.path("state").asText(), status.path("rows_read").asLong(), expectedRows,
                    status.path("accepted").asLong(), status.path("rejected").asLong());
            out.flush();
        }
    }

    private boolean due() {
        long now = System.nanoTime();
        if (now - lastLine < INTERVAL_NANOS) {
            return false;
        }
        lastLine = now;
        return true;
    }

    @Override
    public void close() {
        out.flush();
    }
}
