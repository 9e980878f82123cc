package io.pulse.query.store;

import io.agroal.api.AgroalPoolInterceptor;
import io.pulse.query.QueryConfig;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Sets {@code statement_timeout} on each new connection of the answering pool ({@link AnsweringConnections}), so
 * PostgreSQL cancels a statement answering a question once it has run {@link QueryConfig#statementTimeout()}
 * (SQLSTATE {@value #CANCELED}), and the question is answered {@code 503 query-timeout}. The storing connections keep
 * no timeout: a batch of buckets must be stored however long it takes.
 */
@ApplicationScoped
@DataSource(AnsweringConnections.NAME)
public class AnsweringStatementTimeout implements AgroalPoolInterceptor {

    /** {@code query_canceled}: what PostgreSQL answers a statement it cancelled at its timeout. */
    public static final String CANCELED = "57014";

    @Inject
    QueryConfig config;

    @Override
    public void onConnectionCreate(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.execute("SET statement_timeout = " + Math.max(1, config.statementTimeout().toMillis()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the statement timeout of an answering connection", e);
        }
    }

    /** Whether {@code failure}, or one of its causes, is a statement PostgreSQL cancelled at its timeout. */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException e && CANCELED.equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
