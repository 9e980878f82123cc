package io.pulse.e2e;

import io.pulse.common.access.ApiKeys;
import io.pulse.stack.LocalStack;
import io.pulse.stack.Ports;
import io.pulse.stack.StackConfig;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** The whole platform for a test: started on free ports by the same code as {@code ./pulse up}. */
final class TestStacks {

    /** The repository root, where the packaged services are. */
    static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();

    /** The development key of every stack of the test run (each writes it as its own), with every scope. */
    static final String API_KEY = ApiKeys.newKey();

    private static Path keys;

    private TestStacks() {
    }

    static LocalStack start(Path data, String pipeline, int partitions) {
        int kafka = Ports.free();
        while (!Ports.isFree(kafka + 1)) { // the KRaft controller takes the next port
            kafka = Ports.free();
        }
        writeKey(data);
        // PostgreSQL, the three API ports and the three management ports, all different
        int[] p = Ports.free(7, kafka, kafka + 1);
        return LocalStack.start(new StackConfig(HOME, data, pipeline, partitions, kafka, p[0], p[1], p[2], p[3], p[4],
                p[5], p[6], Set.of()), System.out);
    }

    /** A hashed key file granting {@link #API_KEY} every scope, for services a test starts by themselves. */
    static String keysFile() {
        return keyDir().resolve(Credentials.KEYS_FILE).toString();
    }

    /** A data directory holding {@link #API_KEY} as its development key, for the command line's {@code --data-dir}. */
    static synchronized Path keyDir() {
        try {
            if (keys == null) {
                keys = Files.createTempDirectory("pulse-test-keys");
                writeKey(keys);
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@link #API_KEY} the development key of {@code dataDir}, as the CLI and the stack find it there. */
    static Path writeKey(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve(Credentials.KEY_FILE), API_KEY);
            Files.deleteIfExists(dataDir.resolve(Credentials.KEYS_FILE)); // made again for this key
            Credentials.ensureDevKey(dataDir);
            return dataDir.resolve(Credentials.KEYS_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PulseClient client(LocalStack stack) {
        return client(stack.url(Service.INGEST), stack.url(Service.QUERY));
    }

    static PulseClient client(String ingestUrl, String queryUrl) {
        return new PulseClient(ingestUrl, queryUrl, Optional.of(API_KEY));
    }

    /** A request to a test stack, with its key. */
    static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + API_KEY);
    }
}
