package io.pulse.common.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API key file: one key per line, {@code <name> sha256:<hex> <scope>…}, blank lines and {@code #} comments
 * ignored. Only the SHA-256 of each key is stored, so the file is no secret worth stealing; keys are 256 random
 * bits, so a fast hash is enough (nothing to brute-force, unlike a password).
 */
public final class ApiKeys {

    private static final String HASH_PREFIX = "sha256:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]+");
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A fresh key: {@code pulse_} and 32 random bytes, base64url. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "pulse_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How a key is stored: {@code sha256:} and the hex SHA-256 of its UTF-8 bytes. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HASH_PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The file line that grants {@code key}, named {@code name}, the given scopes. */
    public static String line(String name, String key, List<String> scopes) {
        return name + " " + hash(key) + " " + String.join(" ", scopes);
    }

    /**
     * The keys of a file, by hash.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static Map<String, ApiKey> parse(List<String> lines) {
        Map<String, ApiKey> byHash = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = "line " + (i + 1) + ": ";
            if (words.length < 3) {
                throw new IllegalArgumentException(where + "expected '<name> sha256:<hex> <scope>…'");
            }
            if (!NAME.matcher(words[0]).matches()) {
                throw new IllegalArgumentException(where + "name '" + words[0] + "' may hold only letters, digits and _.@-");
            }
            if (!HASH.matcher(words[1]).matches()) {
                throw new IllegalArgumentException(where + "expected sha256: and 64 lowercase hex digits, not '" + words[1] + "'");
            }
            List<String> scopes = List.of(words).subList(2, words.length);
            for (String scope : scopes) {
                if (!Scopes.isValid(scope)) {
                    throw new IllegalArgumentException(where + "unknown scope '" + scope
                            + "' (admin, ingest:<type>, upload:<type>, query:<metric>, or <kind>:*)");
                }
            }
            if (!names.add(words[0])) {
                throw new IllegalArgumentException(where + "the name '" + words[0] + "' is used twice");
            }
            if (byHash.put(words[1], new ApiKey(words[0], Set.copyOf(scopes))) != null) {
                throw new IllegalArgumentException(where + "the same key is listed twice");
            }
        }
        return Map.copyOf(byHash);
    }
}
