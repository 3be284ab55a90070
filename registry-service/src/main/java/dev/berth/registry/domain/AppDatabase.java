package dev.berth.registry.domain;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An app database as the catalog holds it, with how apps reach its instance. No secret lives here. */
public record AppDatabase(UUID id, UUID instanceId, String instanceName, String host, int port, String app,
        String environment, String databaseName, String roleName, String loginRole, Status status,
        Integer connectionLimit, String sslmode, OffsetDateTime createdAt, OffsetDateTime lastBackupAt,
        String deletionError, String engine, boolean dedicated, boolean pooled) {

    /** Where a database is in its life; stored lower-case. */
    public enum Status {
        PENDING, READY, DELETING, DETACHED;

        public String db() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status of(String db) {
            return valueOf(db.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final String SELECT = "SELECT d.id, d.instance_id, i.name AS instance_name, i.host, i.port, i.engine, i.dedicated, d.app, "
            + "d.environment, d.database_name, d.role_name, d.login_role, d.status, d.connection_limit, d.sslmode, "
            + "d.created_at, d.last_backup_at, d.deletion_error, d.pooled FROM app_databases d JOIN instances i ON i.id = d.instance_id ";

    public static AppDatabase of(Row r) {
        return new AppDatabase(r.getUUID("id"), r.getUUID("instance_id"), r.getString("instance_name"),
                r.getString("host"), r.getInteger("port"), r.getString("app"), r.getString("environment"),
                r.getString("database_name"), r.getString("role_name"), r.getString("login_role"),
                Status.of(r.getString("status")), r.getInteger("connection_limit"), r.getString("sslmode"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("last_backup_at"),
                r.getString("deletion_error"), r.getString("engine"), Boolean.TRUE.equals(r.getBoolean("dedicated")),
                Boolean.TRUE.equals(r.getBoolean("pooled")));
    }

    /** The port apps connect to: PgBouncer's when the database is pooled and a pooler is configured. */
    public int connectPort(java.util.Optional<Integer> poolerPort) {
        return pooled && poolerPort.isPresent() ? poolerPort.get() : port;
    }

    /** The role apps log in as: the owner at first, a rotation login after a zero-downtime rotation. */
    public String username() {
        return loginRole == null ? roleName : loginRole;
    }
}
