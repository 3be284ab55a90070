package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A backup file is complete in storage and its checksum recorded. */
@RegisterForReflection
public record BackupCompleted(
        String backupId, String databaseId, String reason, long sizeBytes, String sha256, long durationMillis)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
