package dev.berth.contracts.catalog;

/**
 * The body of {@code POST /api/databases} (the registry), as users send it and as the backup service sends it for
 * a restore into a new database. Only {@code app} is required. {@code warmPool: false} skips the provisioner's
 * pre-created databases for this one create. {@code pooled} sends apps through
 * PgBouncer (only where a host install put one in front of the default instance; absent: the install's default).
 */
public record DatabaseCreateRequest(String app, String instance, String environment, Integer connectionLimit,
        String sslmode, Boolean warmPool, Boolean pooled) {

    public DatabaseCreateRequest(String app, String instance, String environment, Integer connectionLimit,
            String sslmode, Boolean warmPool) {
        this(app, instance, environment, connectionLimit, sslmode, warmPool, null);
    }

    public static DatabaseCreateRequest of(String app, String instance, String environment) {
        return new DatabaseCreateRequest(app, instance, environment, null, null, null, null);
    }
}
