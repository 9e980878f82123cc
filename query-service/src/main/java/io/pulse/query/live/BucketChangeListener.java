package io.pulse.query.live;

import io.pulse.common.bucket.BucketKey;
import io.pulse.query.Backoff;
import io.pulse.query.QueryConfig;
import io.pulse.query.store.BucketChangeNotices;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Feeds this instance's live subscribers from the bucket changes every instance stores: the consumers of
 * {@code aggregates} share its partitions, so the batches this instance stores are only its share. It listens on
 * PostgreSQL for the notices each store transaction sends as it commits ({@link BucketChangeNotices}), on a connection
 * of its own, outside the pool that questions use.
 *
 * <p>Why not each instance reading all of {@code aggregates} itself: a record read there may not be stored yet, by
 * whichever instance stores it, and a revision read there is only a part of its bucket, so what a subscriber is shown
 * would not be what the store holds. A notice arrives once its change is committed and readable, once per listening
 * instance.
 *
 * <p>While the connection is lost, changes may be committed unheard: current subscribers are then ended, so their
 * clients reconnect and read what they missed, and the listener connects again with a growing pause.
 */
@ApplicationScoped
public class BucketChangeListener {

    private static final Logger LOG = Logger.getLogger(BucketChangeListener.class);
    private static final int POLL_MILLIS = 500;

    @Inject
    LiveUpdates live;

    @Inject
    QueryConfig config;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private volatile boolean stopping;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::listen, "live-bucket-changes");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(5).toMillis());
        }
    }

    private void listen() {
        Backoff backoff = new Backoff(config);
        boolean listening = false;
        boolean lost = false;
        while (!stopping) {
            try (Connection connection = DriverManager.getConnection(url, user, password)) {
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + BucketChangeNotices.CHANNEL);
                }
                if (lost) {
                    LOG.info("listening for bucket changes again");
                }
                listening = true;
                backoff.reset();
                PGConnection notices = connection.unwrap(PGConnection.class);
                while (!stopping) {
                    PGNotification[] batch = notices.getNotifications(POLL_MILLIS);
                    if (batch != null && batch.length > 0) {
                        List<BucketKey> changed = new ArrayList<>();
                        for (PGNotification notice : batch) {
                            changed.addAll(BucketChangeNotices.read(notice.getParameter()));
                        }
                        live.published(changed);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopping) {
                    return;
                }
                if (listening) {
                    live.interrupted(e);
                    listening = false;
                    lost = true;
                }
                Duration pause = backoff.next();
                LOG.warnf("cannot listen for bucket changes (%s); trying again in %d ms", e.getMessage(),
                        pause.toMillis());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
