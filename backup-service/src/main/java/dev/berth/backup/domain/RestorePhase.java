package dev.berth.backup.domain;

/**
 * The phases of a restore, persisted with the job. Until {@link #RECREATING} nothing has been touched; from there
 * on, a crash resumes by recreating and restoring again, and a restore that cannot finish rolls the database back
 * to the pre-restore backup.
 */
public enum RestorePhase {
    REQUESTED, VERIFYING_CHECKSUM, PRE_RESTORE_BACKUP, CREATING_DATABASE, RECREATING, RESTORING,
    ROLLING_BACK, COMPLETED, FAILED, ROLLED_BACK;

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == ROLLED_BACK;
    }

    /** Whether the target database may already have been emptied. */
    public boolean touchedTheDatabase() {
        return this == RECREATING || this == RESTORING || this == ROLLING_BACK;
    }
}
