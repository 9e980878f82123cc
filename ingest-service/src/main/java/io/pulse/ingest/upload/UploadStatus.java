package io.pulse.ingest.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.ingest.intake.ItemCollector;
import java.time.Instant;
import java.util.List;

/**
 * Where an upload stands, as {@code GET /v1/uploads/{id}} answers it, each server-sent event carries it and the
 * {@code uploads.status} topic keeps it for every replica.
 *
 * @param uploadId   the upload's id
 * @param type       the event type its rows are sent as
 * @param format     {@code csv} or {@code ndjson}
 * @param state      see {@link State}
 * @param bytes      the size of the uploaded file
 * @param rowsRead   rows (CSV, header excluded) or non-blank lines (NDJSON) read so far
 * @param accepted   rows validated and sent to the event type's topic
 * @param rejected   rows refused, each kept on the dead-letter topic
 * @param backfill   accepted rows whose bucket of some metric had closed when the upload was received (its end
 *                   plus the metric's allowed lateness had passed): merged into buckets already published
 * @param errors     the first rejected rows' reasons; {@code index} is the row's 1-based line in the file
 * @param failure    why the upload failed, when it did
 * @param receivedAt when the upload was received
 * @param finishedAt when it was done or failed
 * @param sha256     the SHA-256 of the file's bytes, in hex: the same type and digest make a repeat upload
 * @param bytesRead  bytes of the file read so far: with {@code bytes}, how far reading has come (a progress bar);
 *                   last, with {@code sha256} before it, so that answers documented before they were added still
 *                   read the same up to them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UploadStatus(@JsonProperty("upload_id") String uploadId, String type, String format, State state,
                           long bytes, @JsonProperty("rows_read") long rowsRead, long accepted, long rejected,
                           long backfill, List<ItemCollector.ItemErrors> errors, String failure,
                           @JsonProperty("received_at") Instant receivedAt,
                           @JsonProperty("finished_at") Instant finishedAt, String sha256,
                           @JsonProperty("bytes_read") long bytesRead) {

    /** An upload's life: processed in the background after it is received, then done or failed. */
    public enum State {
        /** received and spooled to disk, waiting for or under processing */
        @JsonProperty("processing") PROCESSING,
        /** every row read; accepted rows acknowledged by Kafka, rejected rows on the dead-letter topic */
        @JsonProperty("done") DONE,
        /** stopped before its end: see {@code failure}; rows counted as accepted before it stand */
        @JsonProperty("failed") FAILED;

        public boolean isFinal() {
            return this != PROCESSING;
        }
    }

    UploadStatus failed(String why, Instant at) {
        return new UploadStatus(uploadId, type, format, State.FAILED, bytes, rowsRead, accepted, rejected, backfill,
                errors, why, receivedAt, at, sha256, bytesRead);
    }
}
