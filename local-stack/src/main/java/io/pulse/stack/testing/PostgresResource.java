package io.pulse.stack.testing;

import io.pulse.stack.postgres.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** A real PostgreSQL for {@code @QuarkusTest}s, on a free port, shared by every test class of a run. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static PostgresServer server;

    public static synchronized PostgresServer server() {
        if (server == null) {
            try {
                server = PostgresServer.start(Files.createTempDirectory("pulse-pg-test"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PostgresServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.jdbc.url", server().jdbcUrl(),
                "quarkus.datasource.username", PostgresServer.USER,
                "quarkus.datasource.password", PostgresServer.PASSWORD);
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped by the shutdown hook.
    }
}
