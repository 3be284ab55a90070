package dev.berth.provisioner;

import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Test-side views of the harness PostgreSQL: connecting as an app would, and asking the catalog as admin. */
final class Pg {

    private Pg() {
    }

    static PostgresCluster cluster() {
        return TestInfrastructure.get().postgres();
    }

    /** Connects like an app with the credentials Berth handed out. */
    static Connection connect(String database, String user, String password) throws SQLException {
        PostgresCluster pg = cluster();
        return DriverManager.getConnection(pg.jdbcUrl(database), user, password);
    }

    static boolean roleExists(String role) {
        return "1".equals(cluster().sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'").strip());
    }

    static boolean databaseExists(String database) {
        return "1".equals(cluster().sql("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")
                .strip());
    }
}
