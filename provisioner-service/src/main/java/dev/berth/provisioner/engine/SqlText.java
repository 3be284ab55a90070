package dev.berth.provisioner.engine;

import java.nio.charset.StandardCharsets;

/**
 * The one place DDL text is built from names and values: identifiers are always double-quoted (embedded quotes
 * doubled), literals always single-quoted (quotes doubled; backslashes force the E'' form so the meaning does not
 * depend on {@code standard_conforming_strings}). NUL bytes and over-long identifiers are refused outright.
 */
public final class SqlText {

    /** PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_IDENTIFIER_BYTES = 63;

    private SqlText() {
    }

    public static String identifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an identifier cannot be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier cannot contain a NUL byte");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException("an identifier is at most " + MAX_IDENTIFIER_BYTES + " bytes");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a literal cannot contain a NUL byte");
        }
        String quoted = value.replace("'", "''");
        if (quoted.indexOf('\\') >= 0) {
            return "E'" + quoted.replace("\\", "\\\\") + "'";
        }
        return "'" + quoted + "'";
    }
}
