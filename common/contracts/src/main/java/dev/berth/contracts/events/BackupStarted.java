package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A queued backup began: {@code pg_dump} is running (the dashboard shows the phase; the end is its own event). */
@RegisterForReflection
public record BackupStarted(String backupId, String databaseId, String reason) implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
