package io.pulse.ingest.idempotency;

import io.pulse.common.problem.Problem;
import java.util.List;

/**
 * The {@code Idempotency-Key} request header (IETF draft-ietf-httpapi-idempotency-key-header): a structured-field
 * string, {@code "…"}, though a bare value is taken as well since many clients send one.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    /** Longer keys are refused: a key names a request, and every one is kept for the horizon. */
    public static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /**
     * The key the header holds, its quotes removed; a 400 problem if it is empty, too long, not printable ASCII, or
     * sent more than once.
     */
    public static String parse(List<String> headers) {
        if (headers.size() > 1) {
            throw invalid("the " + HEADER + " header is sent " + headers.size() + " times; send it once");
        }
        String key = headers.get(0) == null ? "" : headers.get(0).strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (key.isEmpty()) {
            throw invalid("the " + HEADER + " header is empty; send a unique value per request, e.g. a UUID");
        }
        if (key.length() > MAX_LENGTH) {
            throw invalid("the " + HEADER + " header is " + key.length() + " characters long; at most " + MAX_LENGTH
                    + " are taken");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw invalid("the " + HEADER + " header holds a character that is not printable ASCII at position "
                        + (i + 1));
            }
        }
        return key;
    }

    private static RuntimeException invalid(String detail) {
        return Problem.of(400, "invalid-idempotency-key", "Invalid Idempotency-Key", detail)
                .with("header", HEADER).exception();
    }
}
