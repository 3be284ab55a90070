package dev.berth.provisioner.engine;

import java.nio.charset.StandardCharsets;

/**
 * The one place MariaDB/MySQL statements are built from names and values. Identifiers are back-quoted (embedded
 * back-quotes doubled), string literals single-quoted with {@code \} and {@code '} escaped (MariaDB's default
 * sql_mode treats the backslash as an escape). In a GRANT's database name {@code _} and {@code %} are wildcards,
 * so they are escaped there: a user of {@code app_shop} must not also get {@code appXshop}. NUL bytes and over-long
 * names are refused.
 */
public final class MariadbDdl {

    /** MariaDB's limit for database names (user names allow 80, database names 64). */
    public static final int MAX_NAME_BYTES = 64;
    /** MariaDB's limit for user names (MySQL 8 allows 32: it refuses longer ones itself, with its own message). */
    public static final int MAX_USER_CHARS = 80;

    private MariadbDdl() {
    }

    public static String createDatabase(String database) {
        return "CREATE DATABASE " + identifier(database) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
    }

    public static String dropDatabase(String database) {
        return "DROP DATABASE IF EXISTS " + identifier(database);
    }

    /** A user who may log in from anywhere on the data network, with at most {@code limit} connections (null: any). */
    public static String createUser(String user, String password, Integer limit) {
        return "CREATE USER " + account(user) + " IDENTIFIED BY " + literal(password)
                + (limit == null ? "" : " WITH MAX_USER_CONNECTIONS " + Math.max(0, limit));
    }

    public static String setPassword(String user, String password) {
        return "ALTER USER " + account(user) + " IDENTIFIED BY " + literal(password);
    }

    public static String dropUser(String user) {
        return "DROP USER IF EXISTS " + account(user);
    }

    /** Everything on that one database and nothing else (no global privilege, no other database). */
    public static String grantAll(String database, String user) {
        return "GRANT ALL PRIVILEGES ON " + identifier(grantPattern(database)) + ".* TO " + account(user);
    }

    static String account(String user) {
        if (user.length() > MAX_USER_CHARS) {
            throw new IllegalArgumentException("a user name is at most " + MAX_USER_CHARS + " characters");
        }
        return literal(user) + "@'%'";
    }

    public static String identifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an identifier cannot be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier cannot contain a NUL byte");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an identifier is at most " + MAX_NAME_BYTES + " bytes");
        }
        return '`' + name.replace("`", "``") + '`';
    }

    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a literal cannot contain a NUL byte");
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A database name as a GRANT reads it: the wildcards {@code _} and {@code %} escaped to mean themselves. */
    static String grantPattern(String database) {
        return database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
    }
}
