package dev.berth.security;

import java.util.List;

/**
 * Who may do what. People (and their API keys) are {@link #ADMIN}, {@link #OPERATOR} or {@link #VIEWER}; Berth's
 * own services calling each other are {@link #SERVICE}. The rules themselves are in this module's
 * {@code META-INF/microprofile-config.properties} (services) and the gateway's application.properties.
 */
public final class Roles {

    /** Everything, including users, API keys of others, the audit log and revealing credentials. */
    public static final String ADMIN = "admin";
    /** Creates, changes and deletes databases, apps, backups; cannot reveal stored credentials or manage users. */
    public static final String OPERATOR = "operator";
    /** Reads only. */
    public static final String VIEWER = "viewer";
    /** A Berth service calling another one (the only role allowed on {@code /internal/*}). */
    public static final String SERVICE = "service";

    /** The roles a person can have, most powerful first. */
    public static final List<String> PEOPLE = List.of(ADMIN, OPERATOR, VIEWER);

    private Roles() {
    }

    /** Whether {@code role} may do at least what {@code other} may (admin ≥ operator ≥ viewer). */
    public static boolean atLeast(String role, String other) {
        int rank = PEOPLE.indexOf(role);
        int otherRank = PEOPLE.indexOf(other);
        return rank >= 0 && otherRank >= 0 && rank <= otherRank;
    }
}
