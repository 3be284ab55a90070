package dev.berth.registry.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One set of credentials in every format apps expect: a {@code postgresql://} URI, a JDBC URL, a libpq key/value
 * string, and the environment bundle ({@code DATABASE_URL}, {@code DB_*}, {@code PG*}).
 */
public record ConnectionStrings(String uri, String jdbc, String libpq, Map<String, String> env) {

    public static ConnectionStrings of(String host, int port, String database, String user, String password,
            String sslmode) {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String uri = "postgresql://" + encode(user) + ":" + encode(password) + "@" + hostPart + ":" + port + "/"
                + encode(database) + "?sslmode=" + sslmode;
        String jdbc = "jdbc:postgresql://" + hostPart + ":" + port + "/" + encode(database) + "?user=" + encode(user)
                + "&password=" + encode(password) + "&sslmode=" + sslmode;
        String libpq = "host=" + libpqValue(host) + " port=" + port + " dbname=" + libpqValue(database) + " user="
                + libpqValue(user) + " password=" + libpqValue(password) + " sslmode=" + sslmode;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", uri);
        env.put("DB_HOST", host);
        env.put("DB_PORT", String.valueOf(port));
        env.put("DB_USER", user);
        env.put("DB_PASSWORD", password);
        env.put("DB_NAME", database);
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", user);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        env.put("PGSSLMODE", sslmode);
        return new ConnectionStrings(uri, jdbc, libpq, env);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** libpq quoting: single quotes when needed, with {@code \} and {@code '} escaped by a backslash. */
    static String libpqValue(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\' || c == '=')) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public String toString() {
        return "ConnectionStrings[redacted]";
    }
}
