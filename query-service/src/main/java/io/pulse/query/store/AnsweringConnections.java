package io.pulse.query.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The connections that answer questions: the datasource {@value #NAME}, the same database as the default one but a
 * pool of its own, so questions, however many, never wait for or take the connections that store buckets (the
 * consumers, retention and Flyway use the default datasource; the live listener has a connection of its own). Each of
 * its connections bounds its statements by {@link AnsweringStatementTimeout}.
 */
@ApplicationScoped
public class AnsweringConnections {

    /** The named datasource of the answering pool. */
    public static final String NAME = "answers";
    /** The property that sizes it. */
    public static final String POOL_SIZE = "quarkus.datasource." + NAME + ".jdbc.max-size";

    @Inject
    @DataSource(NAME)
    AgroalDataSource pool;

    @ConfigProperty(name = POOL_SIZE)
    int size;

    /**
     * A connection of the answering pool. When every one is answering and none frees up within the pool's acquisition
     * timeout, a {@link StoreBusyException}; when PostgreSQL cannot be reached, the driver's failure (an outage).
     */
    public Connection get() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            if (StoreOutage.isOutage(e)) {
                throw e;
            }
            throw new StoreBusyException(size, e);
        }
    }

    /** Every connection of the answering pool is in use and none came free in time. */
    public static final class StoreBusyException extends RuntimeException {

        private final int poolSize;

        StoreBusyException(int poolSize, SQLException cause) {
            super("all " + poolSize + " answering connections are in use", cause);
            this.poolSize = poolSize;
        }

        public int poolSize() {
            return poolSize;
        }
    }
}
