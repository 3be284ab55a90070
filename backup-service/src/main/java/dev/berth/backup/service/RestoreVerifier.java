package dev.berth.backup.service;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.engine.DatabaseShape;
import dev.berth.backup.engine.Dumps;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Proves a backup restorable: its checksum, then a real restore (pg_restore, mariadb, Redis RESTORE) into a scratch
 * database (a scratch key prefix on Redis) on the same
 * instance, whose tables and row estimates are compared with what the source had when the backup was taken; the
 * scratch database is dropped whatever happens. The result is recorded on the backup.
 */
@ApplicationScoped
public class RestoreVerifier {

    private static final Logger LOG = Logger.getLogger(RestoreVerifier.class);

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupFiles files;

    @Inject
    Dumps tool;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** Verifies on the calling thread; returns the backup with its verification recorded. */
    public Backup verify(UUID backupId) {
        Backup backup = catalog.find(backupId).orElseThrow();
        catalog.verifying(backupId);
        String failure = null;
        String passed = null;
        Path file = null;
        AdminConnection scratch = null;
        try {
            file = files.materialize(backup.storageKey(), backup.id().toString(), backup.encrypted(), backup.sha256());
            scratch = provisioner.createScratch(backup.instanceId());
            tool.restore(file, scratch, Dumps.Ownership.ADMIN);
            DatabaseShape restored = tool.shape(scratch, true);
            DatabaseShape source = new DatabaseShape(backup.tableCount() == null ? 0 : backup.tableCount(),
                    backup.rowEstimate() == null ? 0 : backup.rowEstimate());
            failure = restored.compareWith(source);
            passed = "redis".equals(scratch.engine()) ? "restored " + restored.rows() + " keys"
                    : "restored " + restored.tables() + " tables, about " + restored.rows() + " rows";
        } catch (IOException | SQLException | RuntimeException e) {
            failure = RestoreService.message(e);
        } finally {
            dropScratch(backup, scratch);
            files.discardWorkCopy(file);
        }
        // Recorded once the scratch copy is gone: whoever waits for the result finds nothing left behind.
        if (failure == null) {
            catalog.verified(backupId, true, passed);
        } else {
            LOG.warnf("backup %s of %s is NOT restorable: %s", backupId, backup.databaseName(), failure);
            catalog.verified(backupId, false, failure);
        }
        return catalog.find(backupId).orElseThrow();
    }

    private void dropScratch(Backup backup, AdminConnection scratch) {
        if (scratch == null) {
            return;
        }
        try {
            provisioner.dropScratch(backup.instanceId(), scratch.database());
        } catch (RuntimeException e) {
            LOG.warnf("could not drop scratch database %s: %s", scratch.database(), e.getMessage());
        }
    }
}
