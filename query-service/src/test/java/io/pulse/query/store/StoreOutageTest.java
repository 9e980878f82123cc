package io.pulse.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.transaction.RollbackException;
import java.sql.SQLException;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** Which failures of storing are the database going away, as the JDBC driver and the transaction manager report them. */
class StoreOutageTest {

    /** What PostgreSQL's driver says when the server is stopped under a connection (SQLState 57P01). */
    private static SQLException terminated() {
        return new SQLException("FATAL: terminating connection due to administrator command", "57P01");
    }

    @Test
    void aConnectionLostInAStatementIsAnOutage() {
        assertThat(StoreOutage.isOutage(new IllegalStateException("store failed", terminated()))).isTrue();
    }

    /**
     * PostgreSQL stopped during the commit: the transaction manager throws a RollbackException and keeps the
     * resource's failure, with the driver's exception as its cause, as a suppressed exception, not as the cause.
     */
    @Test
    void aConnectionLostInTheCommitIsAnOutageToo() {
        XAException commit = new XAException("Error trying to transactionCommit local transaction");
        commit.initCause(terminated());
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(commit);
        assertThat(StoreOutage.isOutage(new RuntimeException("Error invoking subclass method", rollback))).isTrue();
    }

    @Test
    void dataTheDatabaseRefusesIsNoOutage() {
        SQLException refused = new SQLException("ERROR: value too long for type character varying(63)", "22001");
        RollbackException rollback = new RollbackException("could not commit");
        rollback.addSuppressed(new IllegalStateException(refused));
        assertThat(StoreOutage.isOutage(new RuntimeException(rollback))).isFalse();
        assertThat(StoreOutage.isOutage(new RuntimeException("no cause"))).isFalse();
    }
}
