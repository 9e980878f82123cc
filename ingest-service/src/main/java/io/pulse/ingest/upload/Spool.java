package io.pulse.ingest.upload;

import io.pulse.common.problem.Problem;
import io.pulse.common.problem.ProblemException;
import io.pulse.ingest.intake.LimitedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's spooled upload files: each written with the SHA-256 of its bytes, all of them together held under
 * {@code pulse.ingest.uploads.max-spool-bytes}, so a full spool refuses one upload with 507 instead of filling the
 * volume under every other request.
 */
final class Spool {

    private static final int CHUNK = 64 * 1024;

    private final Path directory;
    private final long maxUploadBytes;
    private final long maxSpoolBytes;
    private final AtomicLong used = new AtomicLong();

    /** A file on the spool: {@link #release} gives its room back. */
    record Spooled(Path file, long bytes, String sha256) {
    }

    Spool(Path directory, long maxUploadBytes, long maxSpoolBytes) {
        this.directory = directory;
        this.maxUploadBytes = maxUploadBytes;
        this.maxSpoolBytes = maxSpoolBytes;
    }

    /**
     * Writes the body to {@code <id>.spool}; on any failure the partial file is removed and its room given back.
     *
     * @param declaredBytes the body's Content-Length, when the client sent one: refused at once if it cannot fit
     * @throws ProblemException 413 for a body over the upload limit, 507 when the spool has no room for it
     * @throws IOException      when the body could not be read from the client
     */
    Spooled write(String id, InputStream body, Long declaredBytes) throws IOException {
        if (declaredBytes != null && used.get() + declaredBytes > maxSpoolBytes) {
            throw full(used.get(), declaredBytes).exception();
        }
        Path file = directory.resolve(id + ".spool");
        MessageDigest digest = sha256();
        long written = 0;
        try (InputStream in = new LimitedInputStream(body, maxUploadBytes); OutputStream out = open(file)) {
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                if (used.addAndGet(n) > maxSpoolBytes) {
                    throw full(used.get() - written, written).exception();
                }
                digest.update(buffer, 0, n);
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw unwritable(e).exception();
                }
            }
        } catch (LimitedInputStream.BodyTooLargeException e) {
            giveBack(file, written);
            throw Uploads.tooLarge(maxUploadBytes).exception();
        } catch (IOException | RuntimeException e) {
            // a RuntimeException carries the spool's own 507; an IOException is the client's body breaking off
            giveBack(file, written);
            throw e;
        }
        return new Spooled(file, written, HexFormat.of().formatHex(digest.digest()));
    }

    private OutputStream open(Path file) {
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            throw unwritable(e).exception();
        }
    }

    private void giveBack(Path file, long written) throws IOException {
        used.addAndGet(-written);
        Files.deleteIfExists(file);
    }

    /** Deletes a spooled file and gives its room back. */
    void release(Spooled spooled) throws IOException {
        Files.deleteIfExists(spooled.file());
        used.addAndGet(-spooled.bytes());
    }

    /** Bytes the spooled files take now. */
    long used() {
        return used.get();
    }

    private Problem full(long others, long bytes) {
        return Problem.of(507, "spool-full", "Upload spool full", "this ingest replica has no room to spool the "
                        + "upload: " + others + " bytes of uploads are waiting to be read and the limit is "
                        + maxSpoolBytes + " (pulse.ingest.uploads.max-spool-bytes); nothing of this upload "
                        + "was kept; retry once earlier uploads are read")
                .with("upload_bytes", bytes).with("max_spool_bytes", maxSpoolBytes);
    }

    static Problem unwritable(IOException cause) {
        return Problem.of(507, "spool-full", "Upload spool full", "this ingest replica could not write the "
                + "upload to its spool directory (" + cause.getMessage() + "); nothing of this upload was kept; "
                + "retry later");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
