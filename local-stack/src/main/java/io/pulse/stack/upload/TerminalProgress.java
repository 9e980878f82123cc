package io.pulse.stack.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Two progress bars on a terminal: bytes sent, then rows read by the ingest service. */
public final class TerminalProgress implements UploadProgress {

    private final PrintStream out;
    private ProgressBar sending;
    private ProgressBar reading;

    public TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void sent(long bytes, long total) {
        if (sending == null) {
            sending = bar("Sending", total).setUnit(" MiB", 1 << 20).showSpeed().build();
        }
        sending.stepTo(bytes);
    }

    @Override
    public void status(JsonNode status, long expectedRows) {
        if (sending != null) {
            sending.close();
            sending = null;
        }
        if (reading == null) {
            reading = bar("Ingesting", expectedRows).setUnit(" rows", 1).showSpeed().build();
        }
        long read = status.path("rows_read").asLong();
        if (read > reading.getMax() || !status.path("state").asText().equals("processing")) {
            reading.maxHint(read); // the count while sending is an estimate: blank lines, multi-line CSV cells
        }
        reading.stepTo(read);
        reading.setExtraMessage(status.path("accepted").asLong() + " accepted, " + status.path("rejected").asLong() + " rejected");
    }

    private ProgressBarBuilder bar(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(100).setConsumer(new ConsoleProgressBarConsumer(out)).hideEta();
    }

    @Override
    public void close() {
        if (sending != null) {
            sending.close();
        }
        if (reading != null) {
            reading.close();
        }
    }
}
