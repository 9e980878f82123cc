package io.pulse.ingest.upload;

import io.pulse.common.event.FieldError;
import io.pulse.ingest.intake.ItemCollector;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** One upload in flight in this process: its counts come live from the collector reading it. */
final class Upload {

    private final String id;
    private final String type;
    private final String format;
    private final long bytes;
    private final String sha256;
    private final Instant receivedAt;
    private final AtomicLong bytesRead = new AtomicLong();
    private volatile ItemCollector collector;
    private volatile UploadStatus.State state = UploadStatus.State.PROCESSING;
    private volatile String failure;
    private volatile Instant finishedAt;

    Upload(String id, String type, String format, long bytes, String sha256, Instant receivedAt) {
        this.id = id;
        this.type = type;
        this.format = format;
        this.bytes = bytes;
        this.sha256 = sha256;
        this.receivedAt = receivedAt;
    }

    String id() {
        return id;
    }

    String format() {
        return format;
    }

    Instant receivedAt() {
        return receivedAt;
    }

    void reading(ItemCollector collector) {
        this.collector = collector;
    }

    /** {@code n} more bytes of the spooled file were read. */
    void read(long n) {
        bytesRead.addAndGet(n);
    }

    long bytesRead() {
        return bytesRead.get();
    }

    void done(Instant at) {
        finishedAt = at;
        state = UploadStatus.State.DONE;
    }

    void failed(String why, Instant at) {
        failure = why;
        finishedAt = at;
        state = UploadStatus.State.FAILED;
    }

    UploadStatus status() {
        // state first: once it reads final, the counts read after it are final too
        UploadStatus.State now = state;
        ItemCollector c = collector;
        long accepted = c == null ? 0 : c.accepted();
        long rejected = c == null ? 0 : c.rejected();
        long backfill = c == null ? 0 : c.backfill();
        List<ItemCollector.ItemErrors> errors = c == null ? List.of() : c.errors().stream().map(Upload::safe).toList();
        return new UploadStatus(id, type, format, now, bytes, accepted + rejected, accepted, rejected, backfill, errors,
                failure, receivedAt, finishedAt, sha256, bytesRead.get());
    }

    /**
     * Reasons may quote a cell; one opening with a spreadsheet formula character is prefixed with an apostrophe,
     * so a report pasted into a spreadsheet shows the text instead of running it. The data itself is kept as sent.
     */
    private static ItemCollector.ItemErrors safe(ItemCollector.ItemErrors item) {
        return new ItemCollector.ItemErrors(item.index(), item.errors().stream()
                .map(e -> new FieldError(e.field(), FormulaGuard.quote(e.message()))).toList());
    }
}
