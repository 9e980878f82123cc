package io.pulse.query.views;

import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.testing.PostgresResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Plain JDBC connections to the test PostgreSQL, as a SQL client such as Grafana reads it. */
final class ViewsDatabase {

    private ViewsDatabase() {
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(PostgresResource.server().jdbcUrl(), PostgresServer.USER,
                PostgresServer.PASSWORD);
    }
}
