package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A backup did not complete; {@code errorSummary} is a short, secret-free summary of pg_dump's stderr. */
@RegisterForReflection
public record BackupFailed(String backupId, String databaseId, String reason, String errorSummary)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
