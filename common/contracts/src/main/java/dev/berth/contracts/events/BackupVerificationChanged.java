package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A verification restore of a backup into a scratch database began ({@code running}) or ended ({@code passed},
 * {@code failed}); {@code detail} says what was compared or why it failed, without secrets.
 */
@RegisterForReflection
public record BackupVerificationChanged(String backupId, String databaseId, String status, String detail)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
