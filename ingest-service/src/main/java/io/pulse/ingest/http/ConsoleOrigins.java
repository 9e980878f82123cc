package io.pulse.ingest.http;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import org.jboss.logging.Logger;

/**
 * Says at start-up which console origins may call this API from a browser, and warns of an entry no browser sends:
 * an origin is scheme, host and port only, so one with a path or a trailing slash never matches and the console's
 * calls would fail in the browser with no trace on the server.
 */
@ApplicationScoped
public class ConsoleOrigins {

    private static final Logger LOG = Logger.getLogger(ConsoleOrigins.class);

    void logged(@Observes StartupEvent started, ConsoleConfig console) {
        LOG.infof("web console origins allowed by CORS: %s", String.join(", ", console.origins()));
        for (String origin : console.origins()) {
            if (!isOrigin(origin)) {
                LOG.warnf("'%s' in pulse.ingest.console.origins is no origin (scheme://host[:port], no path): "
                        + "no browser sends it, so it allows nothing", origin);
            }
        }
    }

    static boolean isOrigin(String text) {
        try {
            URI uri = URI.create(text);
            return uri.getScheme() != null && uri.getHost() != null && uri.getRawPath().isEmpty()
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
