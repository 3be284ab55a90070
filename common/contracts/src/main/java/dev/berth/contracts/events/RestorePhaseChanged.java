package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A restore job reached a phase (the backup service's {@code RestorePhase} by name: {@code VERIFYING_CHECKSUM},
 * {@code PRE_RESTORE_BACKUP}, …, {@code COMPLETED}, {@code FAILED}, {@code ROLLED_BACK}); {@code finished} says whether
 * it is the last; {@code error} is set for a failed or rolled-back job.
 */
@RegisterForReflection
public record RestorePhaseChanged(String restoreId, String databaseId, String backupId, String target, String phase,
        boolean finished, String error) implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
