package io.pulse.stack.client;

import io.pulse.common.access.ApiKeys;
import io.pulse.common.access.Scopes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The API key the command line calls Pulse with: {@code PULSE_API_KEY}, else the development key that
 * {@code ./pulse up} keeps in its data directory ({@code api-key}, readable by its owner only), beside the hashed key
 * file the local services read ({@code api-keys}).
 */
public final class Credentials {

    public static final String ENVIRONMENT = "PULSE_API_KEY";
    public static final String KEY_FILE = "api-key";
    public static final String KEYS_FILE = "api-keys";
    static final String DEV_KEY_NAME = "dev";

    private Credentials() {
    }

    /** The key to call with, if there is one. */
    public static Optional<String> find(Path dataDir) {
        String fromEnvironment = System.getenv(ENVIRONMENT);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.strip());
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key in " + file, e);
        }
    }

    /**
     * The data directory's development key, made on first use with every scope: the key in {@code api-key}, its hash
     * in {@code api-keys}. Both are kept afterwards, so keys added to {@code api-keys} by hand stay.
     */
    public static String ensureDevKey(Path dataDir) {
        Path keyFile = dataDir.resolve(KEY_FILE);
        Path keysFile = dataDir.resolve(KEYS_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(keyFile)) {
                String key = ApiKeys.newKey();
                Files.writeString(keyFile, key + "\n");
                onlyOwner(keyFile);
                Files.deleteIfExists(keysFile);
            }
            String key = Files.readString(keyFile).strip();
            if (!Files.exists(keysFile)) {
                Files.writeString(keysFile, "# API keys of this local stack: <name> sha256:<hex> <scope>… (docs/security.md)\n"
                        + ApiKeys.line(DEV_KEY_NAME, key, List.of(Scopes.ADMIN)) + "\n");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the development API key in " + dataDir, e);
        }
    }

    /** What to do about a 401, for the command line's messages. */
    public static final String HINT = "set " + ENVIRONMENT + ", or start the stack with ./pulse up, which writes "
            + "its development key to .pulse/" + KEY_FILE;

    /** {@code request} with the key as its bearer token, if there is one. */
    public static HttpRequest.Builder authorize(HttpRequest.Builder request, Optional<String> key) {
        key.ifPresent(k -> request.header("Authorization", "Bearer " + k));
        return request;
    }

    private static void onlyOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // a file system without POSIX permissions keeps its default ones
        }
    }
}
