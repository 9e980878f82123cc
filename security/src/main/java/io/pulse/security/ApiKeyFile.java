package io.pulse.security;

import io.pulse.common.access.ApiKey;
import io.pulse.common.access.ApiKeys;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The API keys of {@link SecurityConfig#keysFile()}, read again when the file changes (checked at most once per
 * {@link SecurityConfig#keysReload()}), so a key is rotated by editing the file or the Kubernetes Secret behind it.
 * A changed file that cannot be read keeps the keys read before, with the reason logged: a typo must not lock
 * every caller out.
 */
@Startup
@ApplicationScoped
public class ApiKeyFile {

    private static final Logger LOG = Logger.getLogger(ApiKeyFile.class);

    private final Optional<Path> file;
    private final long reloadNanos;
    private volatile Map<String, ApiKey> byHash = Map.of();
    private volatile FileTime readVersion;
    private volatile long checkedAt;
    private String reported;

    public ApiKeyFile(SecurityConfig config) {
        this.file = config.keysFile();
        this.reloadNanos = config.keysReload().toNanos();
        file.ifPresentOrElse(this::read, () -> LOG.info("no API key file (pulse.security.keys-file): only JWTs are accepted"));
        checkedAt = System.nanoTime();
    }

    /** The key {@code token} is, if it is one. */
    public Optional<ApiKey> find(String token) {
        if (file.isPresent() && System.nanoTime() - checkedAt >= reloadNanos) {
            checkedAt = System.nanoTime();
            readIfChanged(file.get());
        }
        return Optional.ofNullable(byHash.get(ApiKeys.hash(token)));
    }

    private synchronized void readIfChanged(Path path) {
        try {
            // A Kubernetes Secret volume swaps a symlinked directory: the target's modification time changes.
            if (!Files.getLastModifiedTime(path).equals(readVersion)) {
                read(path);
            }
        } catch (IOException e) {
            report("cannot check the API key file " + path + " (" + e + ")");
        }
    }

    private synchronized void read(Path path) {
        try {
            FileTime version = Files.getLastModifiedTime(path);
            Map<String, ApiKey> keys = ApiKeys.parse(Files.readAllLines(path));
            byHash = keys;
            readVersion = version;
            reported = null;
            LOG.infof("read %d API keys from %s", keys.size(), path);
        } catch (IOException | IllegalArgumentException e) {
            report("cannot read the API key file " + path + ": " + e.getMessage());
        }
    }

    /** Logs a problem with the file once, not at every check while it lasts. */
    private void report(String problem) {
        if (!problem.equals(reported)) {
            reported = problem;
            LOG.errorf("%s; keeping the %d keys read before", problem, byHash.size());
        }
    }
}
