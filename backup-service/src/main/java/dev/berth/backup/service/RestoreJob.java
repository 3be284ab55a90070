package dev.berth.backup.service;

import dev.berth.backup.domain.RestorePhase;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A restore and the phase it reached (persisted after every step). */
public record RestoreJob(UUID id, String databaseId, UUID backupId, String target, RestorePhase phase,
        UUID preRestoreBackupId, String newDatabaseId, String newEnvironment, OffsetDateTime startedAt, OffsetDateTime finishedAt,
        String error) {

    static final String COLUMNS = "id, database_id, backup_id, target, phase, pre_restore_backup_id, new_database_id, new_environment, "
            + "started_at, finished_at, error";

    static RestoreJob of(Row r) {
        return new RestoreJob(r.getUUID("id"), r.getString("database_id"), r.getUUID("backup_id"),
                r.getString("target"), RestorePhase.valueOf(r.getString("phase")), r.getUUID("pre_restore_backup_id"),
                r.getString("new_database_id"), r.getString("new_environment"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"),
                r.getString("error"));
    }

    public boolean inPlace() {
        return "in-place".equals(target);
    }
}
