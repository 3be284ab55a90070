package dev.berth.backup.engine;

import dev.berth.contracts.provisioning.AdminConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * How many tables a database has and about how many rows: recorded from the source when a backup is taken, and
 * compared with a scratch restore when it is verified.
 */
public record DatabaseShape(int tables, long rows) {

    private static final String USER_TABLES = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    /** The live source: table count, and rows as the statistics system counts them (no table scan). */
    public static DatabaseShape ofSource(AdminConnection conn) throws SQLException {
        try (Connection c = connect(conn); Statement st = c.createStatement()) {
            int tables = count(st, "SELECT count(*) " + USER_TABLES);
            ResultSet rows = st.executeQuery("SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables");
            rows.next();
            return new DatabaseShape(tables, rows.getLong(1));
        }
    }

    /** A freshly restored copy: ANALYZE first, so the estimates are fresh. */
    public static DatabaseShape ofRestoredCopy(AdminConnection conn) throws SQLException {
        try (Connection c = connect(conn); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
            int tables = count(st, "SELECT count(*) " + USER_TABLES);
            ResultSet rows = st.executeQuery("SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint "
                    + USER_TABLES);
            rows.next();
            return new DatabaseShape(tables, rows.getLong(1));
        }
    }

    /**
     * Whether a restored copy matches what the source had at backup time: the same tables, and rows within 10 %
     * (plus a little slack, the source's numbers being estimates).
     */
    public String compareWith(DatabaseShape source) {
        if (tables != source.tables) {
            return "the restored copy has " + tables + " tables, the database had " + source.tables;
        }
        long slack = Math.max(10, source.rows / 10);
        if (Math.abs(rows - source.rows) > slack) {
            return "the restored copy has about " + rows + " rows, the database had about " + source.rows;
        }
        return null;
    }

    /** Whether the connection's database is on its server (asked in the server's {@code postgres} database). */
    public static boolean existsOnServer(AdminConnection conn) throws SQLException {
        try (Connection c = connect(conn.withDatabase("postgres"));
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, conn.database());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static Connection connect(AdminConnection conn) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", conn.user());
        props.setProperty("password", conn.password());
        props.setProperty("sslmode", conn.sslmode() == null ? "prefer" : conn.sslmode());
        props.setProperty("ApplicationName", "berth-backup");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + conn.host() + ":" + conn.port() + "/"
                + java.net.URLEncoder.encode(conn.database(), java.nio.charset.StandardCharsets.UTF_8), props);
    }

    private static int count(Statement st, String sql) throws SQLException {
        ResultSet rs = st.executeQuery(sql);
        rs.next();
        return rs.getInt(1);
    }
}
