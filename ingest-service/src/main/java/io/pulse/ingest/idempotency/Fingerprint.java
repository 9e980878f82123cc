package io.pulse.ingest.idempotency;

import io.pulse.common.event.DeadLetter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The SHA-256 of a request's event type and body, computed as the body streams through: the same key sent with
 * another body, or to another type, is a different request.
 */
public final class Fingerprint extends FilterInputStream {

    private final MessageDigest digest = DeadLetter.sha256();

    public Fingerprint(String eventType, InputStream body) {
        super(body);
        digest.update((eventType + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            digest.update(buffer, offset, n);
        }
        return n;
    }

    /** Reads what is left of the body (a reader may stop at the last value) and returns the hex digest. */
    public String finish() throws IOException {
        transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(digest.digest());
    }
}
