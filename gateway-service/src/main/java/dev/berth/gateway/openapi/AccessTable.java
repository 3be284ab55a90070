package dev.berth.gateway.openapi;

import dev.berth.security.Roles;
import java.util.List;
import java.util.Locale;

/**
 * Who may call which public route, in one place, as the access rules enforce it (the gateway's
 * {@code quarkus.http.auth.permission.*} for its own routes, berth-security's shared rules in every service behind it).
 * The OpenAPI document states it per operation; the access tests check the two agree.
 */
public final class AccessTable {

    static final List<String> EVERYONE_SIGNED_IN = Roles.PEOPLE;
    static final List<String> WRITERS = List.of(Roles.ADMIN, Roles.OPERATOR);
    static final List<String> ADMINS = List.of(Roles.ADMIN);

    private AccessTable() {
    }

    /** The roles that may call {@code method path} (an OpenAPI path template); empty: no sign-in needed. */
    public static List<String> roles(String method, String path) {
        String m = method.toUpperCase(Locale.ROOT);
        if (path.equals("/api/auth/login")) {
            return List.of();
        }
        if (path.startsWith("/api/users") || path.startsWith("/api/audit")
                || path.matches("/api/databases/[^/]+/(credentials|kubernetes-secret)")) {
            return ADMINS;
        }
        if (path.startsWith("/api/auth/") || path.startsWith("/api/api-keys") || path.equals("/api/events")
                || m.equals("GET") || m.equals("HEAD")) {
            return EVERYONE_SIGNED_IN;
        }
        return WRITERS;
    }
}
