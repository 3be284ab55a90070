package dev.berth.registry.service;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an app name (and environment) into a database name {@code app_<name>} and a role {@code berth_<name>}:
 * lower-cased, {@code -} and {@code .} become {@code _}; anything else outside {@code [a-z0-9_]} is refused with the
 * rule it broke rather than silently dropped, so two different apps never map to one name by accident.
 */
public final class DatabaseNames {

    public static final String DEFAULT_ENVIRONMENT = "production";
    /** Leaves room for the prefixes, a collision suffix and rotation logins within PostgreSQL's 63 bytes. */
    static final int MAX_APP = 32;
    static final int MAX_ENVIRONMENT = 12;
    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9_]+");
    private static final Set<String> RESERVED = Set.of("postgres", "template0", "template1", "registry", "provisioner",
            "backup", "gateway", "pool", "public", "admin");
    private static final char[] SUFFIX = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The names one create will try. */
    public record Names(String database, String role) {
    }

    private DatabaseNames() {
    }

    public static String app(String app) {
        return sanitize("app", app, MAX_APP);
    }

    public static String environment(String environment) {
        return environment == null || environment.isBlank() ? DEFAULT_ENVIRONMENT
                : sanitize("environment", environment, MAX_ENVIRONMENT);
    }

    public static Names of(String app, String environment) {
        String base = DEFAULT_ENVIRONMENT.equals(environment) ? app : app + "_" + environment;
        return new Names("app_" + base, "berth_" + base);
    }

    /** The same names with a short random suffix, for when the plain ones are taken. */
    public static Names withSuffix(Names names) {
        StringBuilder suffix = new StringBuilder("_");
        for (int i = 0; i < 4; i++) {
            suffix.append(SUFFIX[RANDOM.nextInt(SUFFIX.length)]);
        }
        return new Names(names.database() + suffix, names.role() + suffix);
    }

    static String sanitize(String field, String raw, int max) {
        if (raw == null || raw.isBlank()) {
            throw invalid(field + " is required");
        }
        String name = raw.strip().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        if (!ALLOWED.matcher(name).matches()) {
            throw invalid(field + " '" + printable(raw) + "' may only contain letters a-z, digits, '-', '_' and '.'");
        }
        if (!Character.isLetter(name.charAt(0))) {
            throw invalid(field + " '" + name + "' must start with a letter");
        }
        if (name.length() > max) {
            throw invalid(field + " is " + name.length() + " characters long; at most " + max + " are allowed");
        }
        if (RESERVED.contains(name) || name.startsWith("pg_") || name.startsWith("berth")) {
            throw invalid(field + " '" + name + "' is reserved (postgres, template0/1, Berth's own service "
                    + "names, and names starting with pg_ or berth cannot be used)");
        }
        return name;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_NAME, detail);
    }

    /** Echoes a refused name safely: control characters out, long names cut. */
    private static String printable(String raw) {
        String clean = raw.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 70 ? clean.substring(0, 70) + "…" : clean;
    }
}
