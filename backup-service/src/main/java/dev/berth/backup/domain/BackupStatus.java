package dev.berth.backup.domain;

/** queued → running → completed | failed. Only a completed backup has a file, and only one can be restored. */
public enum BackupStatus {
    QUEUED, RUNNING, COMPLETED, FAILED;

    public String value() {
        return name().toLowerCase();
    }

    public static BackupStatus of(String value) {
        return valueOf(value.toUpperCase());
    }
}
