package dev.berth.backup.api;

import dev.berth.backup.domain.Backup;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A backup as the API shows it. {@code sha256} and {@code sizeBytes} are those of the plain dump a download gives. */
public record BackupView(UUID id, String databaseId, String databaseName, String status, String reason,
        String fileName, Long sizeBytes, String sha256, boolean encrypted, String serverVersion,
        String pgDumpVersion, Long durationMs, Integer tableCount, Long rowEstimate, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, String error, Verification verification) {

    /** The last restore test of this backup. */
    public record Verification(String status, OffsetDateTime at, String detail) {
    }

    static BackupView of(Backup b) {
        return new BackupView(b.id(), b.databaseId(), b.databaseName(), b.status().value(), b.reason(),
                fileName(b), b.sizeBytes(), b.sha256(), b.encrypted(), b.serverVersion(), b.pgDumpVersion(),
                b.durationMs(), b.tableCount(), b.rowEstimate(), b.startedAt(), b.finishedAt(), b.error(),
                b.verifyStatus() == null ? null : new Verification(b.verifyStatus(), b.verifiedAt(), b.verifyDetail()));
    }

    /** What a download is called: the stored name without the directory, and without {@code .enc} (it is decrypted). */
    static String fileName(Backup b) {
        if (b.storageKey() == null) {
            return null;
        }
        String name = b.storageKey().substring(b.storageKey().lastIndexOf('/') + 1);
        return name.endsWith(".enc") ? name.substring(0, name.length() - 4) : name;
    }
}
