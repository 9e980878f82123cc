package io.pulse.stack.upload;

import com.fasterxml.jackson.databind.JsonNode;

/** Where an upload is shown to stand: a progress bar on a terminal, plain lines elsewhere. */
public interface UploadProgress extends AutoCloseable {

    /** Bytes of the file sent so far, of {@code total}. */
    void sent(long bytes, long total);

    /**
     * A status pushed by the ingest service while it reads the file.
     *
     * @param status       the status, as {@code GET /v1/uploads/{id}} answers it
     * @param expectedRows the rows the file seems to hold, counted while it was sent
     */
    void status(JsonNode status, long expectedRows);

    @Override
    void close();
}
