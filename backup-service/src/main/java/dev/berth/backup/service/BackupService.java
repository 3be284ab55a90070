package dev.berth.backup.service;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupReason;
import dev.berth.backup.domain.BackupStatus;
import dev.berth.backup.engine.PgTools;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The use cases behind the backup API: checked up front, then queued on the workers. */
@ApplicationScoped
public class BackupService {

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupRunner runner;

    @Inject
    RestoreVerifier verifier;

    @Inject
    RetentionService retention;

    @Inject
    BackupWorkers workers;

    @Inject
    PgTools tools;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** 404 when the provisioner does not know the database, 422 when pg_dump is too old; otherwise queued. */
    public Backup request(String databaseId, BackupReason reason) {
        AdminConnection conn = provisioner.databaseAdmin(databaseId);
        tools.requireAtLeast(conn);
        UUID id = catalog.enqueue(databaseId, reason);
        workers.submit(id, () -> runner.run(id));
        return catalog.find(id).orElseThrow();
    }

    public Backup verify(String databaseId, UUID backupId) {
        Backup b = catalog.requireCompleted(databaseId, backupId, "can be verified");
        catalog.verifying(b.id());
        workers.submit(b.id(), () -> verifier.verify(b.id()));
        return catalog.find(b.id()).orElseThrow();
    }

    /** Deletes a finished backup's file and record; a queued or running one cannot be deleted. */
    public void delete(String databaseId, UUID backupId) throws IOException {
        Backup b = catalog.require(databaseId, backupId);
        if (b.status() == BackupStatus.QUEUED || b.status() == BackupStatus.RUNNING || workers.busyWith(b.id())) {
            throw new ProblemException(ProblemType.CONFLICT, "backup " + backupId + " is in use (" + b.status().value()
                    + " or being verified); delete it when it has finished");
        }
        retention.remove(b);
    }
}
