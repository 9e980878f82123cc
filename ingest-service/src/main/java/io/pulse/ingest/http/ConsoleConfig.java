package io.pulse.ingest.http;

import io.smallrye.config.ConfigMapping;
import java.util.List;

/** The web console that calls this API from the browser. */
@ConfigMapping(prefix = "pulse.ingest.console")
public interface ConsoleConfig {

    /**
     * The console's origins (the query service's address as the browser sees it) allowed to call this API from a
     * page: application.properties hands them to Quarkus' CORS filter and sets their default, the local stack's
     * console; {@code PULSE_CONSOLE_ORIGINS} overrides it.
     */
    List<String> origins();
}
