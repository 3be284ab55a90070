package dev.berth.provisioner.engine;

import static dev.berth.provisioner.engine.SqlText.identifier;
import static dev.berth.provisioner.engine.SqlText.literal;

/**
 * Every DDL statement the provisioner sends to PostgreSQL, built only through {@link SqlText}. Passwords go in as
 * SCRAM verifiers ({@link ScramVerifier}), never in plain text.
 */
public final class PostgresDdl {

    private PostgresDdl() {
    }

    /** {@code verifier}: the SCRAM-SHA-256 verifier of the password (PostgreSQL stores it as given). */
    public static String createLoginRole(String role, String verifier, Integer connectionLimit) {
        if (!verifier.startsWith("SCRAM-SHA-256$")) {
            throw new IllegalArgumentException("a SCRAM-SHA-256 verifier is required, never a plain password");
        }
        return "CREATE ROLE " + identifier(role) + " LOGIN PASSWORD " + literal(verifier)
                + " CONNECTION LIMIT " + (connectionLimit == null ? -1 : connectionLimit);
    }

    /**
     * An admin that is not a superuser (CREATEDB and CREATEROLE, as on a managed server) may give a database to a
     * role, drop it and reset it only as a member of that role: it makes itself one right after creating the role.
     */
    public static String joinRole(String role) {
        return "GRANT " + identifier(role) + " TO CURRENT_USER";
    }

    /** A second login for zero-downtime rotation: a member of the owner that acts as the owner once connected. */
    public static String createLoginInRole(String login, String owner, String password, Integer connectionLimit) {
        return "CREATE ROLE " + identifier(login) + " LOGIN PASSWORD " + literal(ScramVerifier.of(password))
                + " CONNECTION LIMIT " + (connectionLimit == null ? -1 : connectionLimit) + " IN ROLE " + identifier(owner);
    }

    public static String actAsOwner(String login, String owner) {
        return "ALTER ROLE " + identifier(login) + " SET role = " + identifier(owner);
    }

    public static String setPassword(String role, String password) {
        return "ALTER ROLE " + identifier(role) + " PASSWORD " + literal(ScramVerifier.of(password));
    }

    /** The owner becomes a pure group role once its logins are separate roles. */
    public static String disableLogin(String role) {
        return "ALTER ROLE " + identifier(role) + " NOLOGIN PASSWORD NULL";
    }

    /** Quarantine or release a login without touching its password (orphaned databases). */
    public static String allowLogin(String role, boolean allowed) {
        return "ALTER ROLE " + identifier(role) + (allowed ? " LOGIN" : " NOLOGIN");
    }

    /** Owned by the admin until {@link #changeOwner} in the same breath as the owner role is made. */
    public static String createDatabase(String database) {
        return "CREATE DATABASE " + identifier(database);
    }

    public static String createDatabase(String database, String owner) {
        return "CREATE DATABASE " + identifier(database) + " OWNER " + identifier(owner);
    }

    /** A pool database: owned by the admin until claimed, reachable by nobody else. */
    public static String createPoolDatabase(String database) {
        return "CREATE DATABASE " + identifier(database);
    }

    public static String rename(String from, String to) {
        return "ALTER DATABASE " + identifier(from) + " RENAME TO " + identifier(to);
    }

    public static String changeOwner(String database, String owner) {
        return "ALTER DATABASE " + identifier(database) + " OWNER TO " + identifier(owner);
    }

    public static String revokePublic(String database) {
        return "REVOKE ALL ON DATABASE " + identifier(database) + " FROM PUBLIC";
    }

    public static String grantConnect(String database, String role) {
        return "GRANT CONNECT, TEMPORARY ON DATABASE " + identifier(database) + " TO " + identifier(role);
    }

    /**
     * PgBouncer's lookup role (install/lib/pgbouncer.sh) may connect, to run {@code berth_pgbouncer.lookup()} there:
     * its auth_query runs in the database the client asked for, which has CONNECT revoked from PUBLIC.
     */
    public static String grantPoolerLookup(String database) {
        return "GRANT CONNECT ON DATABASE " + identifier(database) + " TO " + identifier(POOLER_LOOKUP_ROLE);
    }

    /** The role PgBouncer logs in as to look up app passwords (a host install makes it). */
    public static final String POOLER_LOOKUP_ROLE = "berth_pgbouncer";

    /** Only needed before PostgreSQL 15, where {@code public} is not owned by {@code pg_database_owner}. */
    public static String ownPublicSchema(String role) {
        return "ALTER SCHEMA public OWNER TO " + identifier(role);
    }

    public static String reassignOwned(String from, String to) {
        return "REASSIGN OWNED BY " + identifier(from) + " TO " + identifier(to);
    }

    public static String dropOwned(String role) {
        return "DROP OWNED BY " + identifier(role);
    }

    public static String dropDatabase(String database) {
        return "DROP DATABASE IF EXISTS " + identifier(database) + " WITH (FORCE)";
    }

    public static String dropRole(String role) {
        return "DROP ROLE IF EXISTS " + identifier(role);
    }
}
