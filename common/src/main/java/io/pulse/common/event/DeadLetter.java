package io.pulse.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A rejected item as kept on {@code events.dlq}: the input exactly as received, so it can be fixed and resent. An
 * item too large to keep whole (over ingest's {@code pulse.ingest.dead-letter-max-raw-bytes}) keeps its beginning,
 * with the whole item's length and SHA-256 so it can be found and matched in the sender's own copy; the three fields
 * about truncation are absent on a whole item, so readers of the earlier format read both.
 *
 * @param type       the event type it was sent as
 * @param raw        the item's text as received, or its beginning when {@code truncated}
 * @param reasons    every reason it was refused
 * @param receivedAt when ingest received it
 * @param source     where it came from, e.g. {@code POST /v1/events} and the item's index
 * @param truncated  true when {@code raw} holds only the item's beginning; absent otherwise
 * @param rawBytes   the whole item's length in bytes (UTF-8 as sent), when truncated
 * @param rawSha256  the SHA-256 of the whole item's bytes, lower-case hex, when truncated
 */
public record DeadLetter(String type, String raw, List<FieldError> reasons,
                         @JsonProperty("received_at") Instant receivedAt, String source,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated,
                         @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("raw_bytes") Long rawBytes,
                         @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("raw_sha256") String rawSha256) {

    /** An item kept whole. */
    public DeadLetter(String type, String raw, List<FieldError> reasons, Instant receivedAt, String source) {
        this(type, raw, reasons, receivedAt, source, null, null, null);
    }

    /**
     * This dead letter with at most {@code maxRawBytes} bytes of raw text: a longer text is cut (on a character
     * boundary) and marked truncated, with the length and SHA-256 of the whole text, unless those are already known.
     */
    public DeadLetter boundedTo(int maxRawBytes) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxRawBytes) {
            return this;
        }
        int end = maxRawBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) { // a continuation byte: the character started before
            end--;
        }
        String beginning = new String(bytes, 0, end, StandardCharsets.UTF_8);
        if (Boolean.TRUE.equals(truncated)) {
            return new DeadLetter(type, beginning, reasons, receivedAt, source, true, rawBytes, rawSha256);
        }
        return new DeadLetter(type, beginning, reasons, receivedAt, source, true, (long) bytes.length, sha256(bytes));
    }

    /** The SHA-256 of the bytes, in lower-case hex, as {@code raw_sha256} holds it. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** A new SHA-256 digest, for a text read in pieces. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
