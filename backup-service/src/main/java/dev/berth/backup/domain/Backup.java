package dev.berth.backup.domain;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One backup: where its file is, what it holds, how it went, and whether it was proven restorable. */
public record Backup(UUID id, String databaseId, String instanceId, String databaseName, BackupStatus status,
        String reason, String storageKey, Long sizeBytes, Long storedBytes, String sha256, boolean encrypted,
        String serverVersion, String pgDumpVersion, Long durationMs, Integer tableCount, Long rowEstimate,
        OffsetDateTime startedAt, OffsetDateTime finishedAt, String error, String verifyStatus,
        OffsetDateTime verifiedAt, String verifyDetail) {

    public static final String COLUMNS = "id, database_id, instance_id, database_name, status, reason, storage_key, "
            + "size_bytes, stored_bytes, sha256, encrypted, server_version, pg_dump_version, duration_ms, table_count, "
            + "row_estimate, started_at, finished_at, error, verify_status, verified_at, verify_detail";

    public static Backup of(Row r) {
        return new Backup(r.getUUID("id"), r.getString("database_id"), r.getString("instance_id"),
                r.getString("database_name"), BackupStatus.of(r.getString("status")), r.getString("reason"),
                r.getString("storage_key"), r.getLong("size_bytes"), r.getLong("stored_bytes"), r.getString("sha256"),
                r.getBoolean("encrypted"), r.getString("server_version"), r.getString("pg_dump_version"),
                r.getLong("duration_ms"), r.getInteger("table_count"), r.getLong("row_estimate"),
                r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"), r.getString("error"),
                r.getString("verify_status"), r.getOffsetDateTime("verified_at"), r.getString("verify_detail"));
    }

    public boolean completed() {
        return status == BackupStatus.COMPLETED;
    }
}
