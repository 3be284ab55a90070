package dev.berth.backup.domain;

import java.util.Arrays;
import java.util.Optional;

/** Why a backup was taken. */
public enum BackupReason {
    MANUAL("manual"), SCHEDULED("scheduled"), PRE_DELETE("pre-delete"), PRE_RESTORE("pre-restore"), IMPORT("import");

    private final String value;

    BackupReason(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<BackupReason> of(String value) {
        return Arrays.stream(values()).filter(r -> r.value.equals(value)).findFirst();
    }
}
