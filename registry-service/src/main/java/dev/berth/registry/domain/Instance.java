package dev.berth.registry.domain;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A database server Berth can create databases on, as the {@code instances} catalog holds it. Its admin password is
 * held by the provisioner's vault. {@code dedicated}: a server Berth runs in a container (else the default or an
 * external one).
 */
public record Instance(UUID id, String name, String engine, String host, int port, String adminUser, String status,
        boolean shared, boolean dedicated, String environment, String container, String image, String version,
        Integer hostPort, Long memoryBytes, Double cpus, UUID madeForApp, String statusDetail, OffsetDateTime updatedAt,
        OffsetDateTime createdAt) {

    public static final String SELECT = "SELECT id, name, engine, host, port, admin_user, status, is_shared, dedicated, "
            + "environment, container, image, version, host_port, memory_bytes, cpus, made_for_app, status_detail, "
            + "updated_at, created_at FROM instances ";

    public static Instance of(Row r) {
        return new Instance(r.getUUID("id"), r.getString("name"), r.getString("engine"), r.getString("host"),
                r.getInteger("port"), r.getString("admin_user"), r.getString("status"),
                Boolean.TRUE.equals(r.getBoolean("is_shared")), Boolean.TRUE.equals(r.getBoolean("dedicated")),
                r.getString("environment"), r.getString("container"), r.getString("image"), r.getString("version"),
                r.getInteger("host_port"), r.getLong("memory_bytes"), r.getDouble("cpus"), r.getUUID("made_for_app"),
                r.getString("status_detail"), r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("created_at"));
    }
}
