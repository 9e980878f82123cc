package io.pulse.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Who may call the HTTP APIs: the API key file. */
@ConfigMapping(prefix = "pulse.security")
public interface SecurityConfig {

    /**
     * The API key file (see {@link io.pulse.common.access.ApiKeys}); without one only JWTs are accepted. A changed
     * file is read again, so keys are added, rotated and revoked without a restart.
     */
    Optional<Path> keysFile();

    /** How often the key file is checked for changes. */
    @WithDefault("1s")
    Duration keysReload();
}
