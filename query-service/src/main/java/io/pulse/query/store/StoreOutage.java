package io.pulse.query.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.Optional;
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

    /** Whether {@code failure}, or one of its causes, says the database cannot be reached or is going away. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
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
            if (t.getCause() == t) {
                break;
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
