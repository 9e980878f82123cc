package io.pulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.access.ApiKey;
import io.pulse.common.access.ApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys are created, rotated and revoked by editing the file, without a restart; a broken edit changes nothing. */
class ApiKeyFileTest {

    @TempDir
    Path dir;

    private ApiKeyFile open(Path file) {
        return new ApiKeyFile(new SecurityConfig() {
            @Override
            public Optional<Path> keysFile() {
                return Optional.of(file);
            }

            @Override
            public Duration keysReload() {
                return Duration.ZERO;
            }
        });
    }

    /** Writes the file as an edit would, its modification time later than the last one. */
    private static void edit(Path file, String... lines) throws IOException {
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        Files.write(file, List.of(lines));
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
    }

    @Test
    void aRotationTakesEffectAtTheNextRequest() throws IOException {
        Path file = dir.resolve("api-keys");
        edit(file, ApiKeys.line("team", "old-key", List.of("query:plays")));
        ApiKeyFile keys = open(file);
        assertThat(keys.find("old-key")).contains(new ApiKey("team", Set.of("query:plays")));
        assertThat(keys.find("new-key")).isEmpty();

        edit(file, ApiKeys.line("team", "old-key", List.of("query:plays")), ApiKeys.line("team-2", "new-key", List.of("query:*")));
        assertThat(keys.find("new-key")).contains(new ApiKey("team-2", Set.of("query:*")));
        assertThat(keys.find("old-key")).isPresent();

        edit(file, ApiKeys.line("team-2", "new-key", List.of("query:*")));
        assertThat(keys.find("old-key")).as("revoked").isEmpty();
        assertThat(keys.find("new-key")).isPresent();
    }

    @Test
    void aBrokenEditKeepsTheKeysReadBefore() throws IOException {
        Path file = dir.resolve("api-keys");
        edit(file, ApiKeys.line("team", "a-key", List.of("admin")));
        ApiKeyFile keys = open(file);
        edit(file, ApiKeys.line("team", "a-key", List.of("admin")), "intruder sha256:nothex admin");
        assertThat(keys.find("a-key")).isPresent();
        Files.delete(file);
        assertThat(keys.find("a-key")).as("a file gone for a moment, as while a Secret is swapped").isPresent();
    }

    @Test
    void withoutAFileNoKeyIsKnown() {
        ApiKeyFile keys = new ApiKeyFile(new SecurityConfig() {
            @Override
            public Optional<Path> keysFile() {
                return Optional.empty();
            }

            @Override
            public Duration keysReload() {
                return Duration.ZERO;
            }
        });
        assertThat(keys.find("anything")).isEmpty();
    }
}
