package dev.berth.registry.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One set of credentials in every format apps of that engine expect. PostgreSQL: a {@code postgresql://} URI, a JDBC
 * URL, a libpq key/value string and {@code DATABASE_URL}, {@code DB_*}, {@code PG*}. MariaDB/MySQL: {@code mysql://},
 * {@code jdbc:mariadb://} (or {@code jdbc:mysql://}), {@code DB_*} and {@code MYSQL_*}. Redis: {@code redis://user:
 * pass@host:port/0}, {@code REDIS_*} and the key prefix the user is confined to. MongoDB: {@code mongodb://},
 * {@code MONGODB_URI}. {@code jdbc} and {@code libpq} are null where the engine has none.
 */
public record ConnectionStrings(String uri, String jdbc, String libpq, Map<String, String> env) {

    /**
     * The strings the API hands out (and an app's Kubernetes Secret holds): the install's connect host for databases
     * of shared instances where one is configured, the instance's own address otherwise; PgBouncer's port when pooled.
     */
    public static ConnectionStrings forClients(dev.berth.registry.domain.AppDatabase d,
            dev.berth.contracts.provisioning.ProvisionedLogin login, String connectHost,
            java.util.Optional<Integer> poolerPort) {
        String host = connectHost == null || d.dedicated() ? d.host() : connectHost;
        return of(d.engine(), host, d.connectPort(poolerPort), d.databaseName(), login.username(), login.password(),
                d.sslmode(), d.pooled());
    }

    public static ConnectionStrings of(String host, int port, String database, String user, String password,
            String sslmode) {
        return of("postgresql", host, port, database, user, password, sslmode);
    }

    public static ConnectionStrings of(String engine, String host, int port, String database, String user,
            String password, String sslmode) {
        return of(engine, host, port, database, user, password, sslmode, false);
    }

    /**
     * @param pooled the port is PgBouncer's (transaction pooling): the JDBC URL then turns off server-side prepared
     *               statements ({@code prepareThreshold=0}), which a pooled server connection cannot keep
     */
    public static ConnectionStrings of(String engine, String host, int port, String database, String user,
            String password, String sslmode, boolean pooled) {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String credentials = encode(user) + ":" + encode(password) + "@" + hostPart + ":" + port;
        return switch (engine == null ? "postgresql" : engine) {
            case "mariadb", "mysql" -> mysql(engine, host, hostPart, credentials, port, database, user, password);
            case "redis" -> redis(host, credentials, port, database, user, password);
            case "mongodb" -> mongodb(host, credentials, port, database, user, password);
            default -> postgresql(host, hostPart, credentials, port, database, user, password, sslmode, pooled);
        };
    }

    private static ConnectionStrings postgresql(String host, String hostPart, String credentials, int port,
            String database, String user, String password, String sslmode, boolean pooled) {
        String uri = "postgresql://" + credentials + "/" + encode(database) + "?sslmode=" + sslmode;
        String jdbc = "jdbc:postgresql://" + hostPart + ":" + port + "/" + encode(database) + "?user=" + encode(user)
                + "&password=" + encode(password) + "&sslmode=" + sslmode + (pooled ? "&prepareThreshold=0" : "");
        String libpq = "host=" + libpqValue(host) + " port=" + port + " dbname=" + libpqValue(database) + " user="
                + libpqValue(user) + " password=" + libpqValue(password) + " sslmode=" + sslmode;
        Map<String, String> env = common(uri, host, port, database, user, password);
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", user);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        env.put("PGSSLMODE", sslmode);
        return new ConnectionStrings(uri, jdbc, libpq, env);
    }

    private static ConnectionStrings mysql(String engine, String host, String hostPart, String credentials, int port,
            String database, String user, String password) {
        String uri = "mysql://" + credentials + "/" + encode(database);
        String jdbc = "jdbc:" + engine + "://" + hostPart + ":" + port + "/" + encode(database) + "?user="
                + encode(user) + "&password=" + encode(password);
        Map<String, String> env = common(uri, host, port, database, user, password);
        env.put("MYSQL_URL", uri);
        env.put("MYSQL_HOST", host);
        env.put("MYSQL_PORT", String.valueOf(port));
        env.put("MYSQL_USER", user);
        env.put("MYSQL_PASSWORD", password);
        env.put("MYSQL_DATABASE", database);
        return new ConnectionStrings(uri, jdbc, null, env);
    }

    /** On Redis the "database" is the key prefix the user may use: {@code prefix:…}, in logical database 0. */
    private static ConnectionStrings redis(String host, String credentials, int port, String prefix, String user,
            String password) {
        String uri = "redis://" + credentials + "/0";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REDIS_URL", uri);
        env.put("REDIS_HOST", host);
        env.put("REDIS_PORT", String.valueOf(port));
        env.put("REDIS_USERNAME", user);
        env.put("REDIS_PASSWORD", password);
        env.put("REDIS_KEY_PREFIX", prefix + ":");
        return new ConnectionStrings(uri, null, null, env);
    }

    private static ConnectionStrings mongodb(String host, String credentials, int port, String database, String user,
            String password) {
        String uri = "mongodb://" + credentials + "/" + encode(database) + "?authSource=" + encode(database);
        Map<String, String> env = common(uri, host, port, database, user, password);
        env.put("MONGODB_URI", uri);
        env.put("MONGO_URL", uri);
        return new ConnectionStrings(uri, null, null, env);
    }

    private static Map<String, String> common(String uri, String host, int port, String database, String user,
            String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", uri);
        env.put("DB_HOST", host);
        env.put("DB_PORT", String.valueOf(port));
        env.put("DB_USER", user);
        env.put("DB_PASSWORD", password);
        env.put("DB_NAME", database);
        return env;
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
