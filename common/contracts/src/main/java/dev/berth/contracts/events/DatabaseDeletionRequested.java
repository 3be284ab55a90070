package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A database is to be deleted once something else has happened first: with {@code policy}
 * {@code backup-then-delete} the backup service takes a {@code pre-delete} backup, and the registry drops the
 * database only when that backup's {@link BackupCompleted} arrives.
 */
@RegisterForReflection
public record DatabaseDeletionRequested(String databaseId, String instanceId, String databaseName, String policy)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
