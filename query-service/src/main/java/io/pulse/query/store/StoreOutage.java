package io.pulse.query.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Whether PostgreSQL is out, as the consumers that store {@code aggregates} and the outcome topics last found it.
 * An outage is a failure to reach the database, never a fault of the data: those are told apart by
 * {@link #isOutage(Throwable)}, so a batch the database refuses is not retried forever.
 */
@ApplicationScoped
public class StoreOutage {

    /** Since when storing has failed for want of the database, and the last such failure. */
    public record Since(Instant start, String reason) {
    }

    private volatile Since current;

    /**
     * Whether {@code failure}, one of its causes or an exception suppressed by one of them says the database cannot
     * be reached or is going away. A connection lost during the commit reaches here as the transaction manager's
     * RollbackException, which keeps the driver's exception as a suppressed one, not as its cause.
     */
    public static boolean isOutage(Throwable failure) {
        return isOutage(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean isOutage(Throwable failure, Set<Throwable> seen) {
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof JDBCConnectionException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                // 08: connection exceptions; 57P01-57P03: the server shutting down, crashed or starting up;
                // 53300: no connection slot left while it comes back.
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                    return true;
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (isOutage(suppressed, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Storing failed because of {@code failure}, an outage: from now on (or still) the store is out. */
    public void failed(Throwable failure) {
        Since was = current;
        current = new Since(was == null ? Instant.now() : was.start(), reason(failure));
    }

    /** Storing succeeded: the store is back. Answers whether it was out. */
    public boolean succeeded() {
        boolean was = current != null;
        current = null;
        return was;
    }

    public Optional<Since> current() {
        return Optional.ofNullable(current);
    }

    /** The innermost message: the driver's own words, e.g. that the connection was refused. */
    private static String reason(Throwable failure) {
        String reason = String.valueOf(failure);
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null) {
                reason = t.getMessage();
            }
        }
        return reason;
    }
}
