package dev.berth.backup.service;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.client.RegistryClient;
import dev.berth.backup.engine.DatabaseShape;
import dev.berth.backup.engine.Dumps;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupReason;
import dev.berth.backup.domain.RestorePhase;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.contracts.catalog.DatabaseCreateRequest;
import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.events.RestorePhaseChanged;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.ServerPauses;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Restores a backup, in place or into a new database, as a job whose phase is persisted after every step.
 * In place: checksum → pre-restore backup → recreate (sessions terminated, dropped, created empty with the same owner
 * and grants) → pg_restore; if the restore fails once the database was emptied, it is rolled back to the pre-restore
 * backup. A database its server no longer has (a host rebuilt after losing its data disk) has no pre-restore backup:
 * it is made again and restored, and a failure leaves it empty. New: checksum → a new catalogued database with its
 * own credentials (through the registry) → pg_restore with everything owned by its role; a failure deletes that
 * database again.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);
    private static final DateTimeFormatter ENV_STAMP = DateTimeFormatter.ofPattern("MMddHHmmss");

    @Inject
    Pool db;

    @Inject
    Outbox outbox;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupFiles files;

    @Inject
    BackupRunner backups;

    @Inject
    Dumps tool;

    @Inject
    BackupWorkers workers;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @Inject
    @RestClient
    RegistryClient registry;

    /** Checks the request, records the job and queues it; the answer comes at once, the work follows. */
    public RestoreJob request(String databaseId, UUID backupId, String target, String environment) {
        requireTarget(target);
        catalog.requireCompleted(databaseId, backupId, "can be restored");
        if (running(databaseId).isPresent()) {
            throw new ProblemException(ProblemType.CONFLICT, "a restore of database " + databaseId
                    + " is already running");
        }
        UUID id = UUID.randomUUID();
        record(id, "INSERT INTO restore_jobs (id, database_id, backup_id, target, phase, new_environment) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)", Tuple.from(Arrays.asList(id, databaseId, backupId, target,
                        RestorePhase.REQUESTED.name(), environment)), RestorePhase.REQUESTED, null);
        workers.submit(id, () -> run(id));
        return find(id).orElseThrow();
    }

    /** A restore goes {@code in-place} or into a {@code new} database; 400 otherwise. */
    public static void requireTarget(String target) {
        if (!"in-place".equals(target) && !"new".equals(target)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "target must be in-place or new, not '" + target + "'");
        }
    }

    public Optional<RestoreJob> find(UUID id) {
        var rows = db.preparedQuery("SELECT " + RestoreJob.COLUMNS + " FROM restore_jobs WHERE id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        return rows.size() == 0 ? Optional.empty() : Optional.of(RestoreJob.of(rows.iterator().next()));
    }

    public List<RestoreJob> unfinished() {
        List<RestoreJob> jobs = new java.util.ArrayList<>();
        db.query("SELECT " + RestoreJob.COLUMNS + " FROM restore_jobs WHERE finished_at IS NULL ORDER BY started_at")
                .execute().await().indefinitely().forEach(r -> jobs.add(RestoreJob.of(r)));
        return jobs;
    }

    /** Queues an unfinished job again (after a restart). */
    public void resume(RestoreJob job) {
        LOG.infof("resuming restore %s of database %s from phase %s", job.id(), job.databaseId(), job.phase());
        workers.submit(job.id(), () -> run(job.id()));
    }

    private Optional<RestoreJob> running(String databaseId) {
        var rows = db.preparedQuery("SELECT " + RestoreJob.COLUMNS + " FROM restore_jobs WHERE database_id = $1 "
                + "AND finished_at IS NULL").execute(Tuple.of(databaseId)).await().indefinitely();
        return rows.size() == 0 ? Optional.empty() : Optional.of(RestoreJob.of(rows.iterator().next()));
    }

    /** Runs (or resumes) a job to a finished phase on the calling thread. */
    public void run(UUID jobId) {
        RestoreJob job = find(jobId).orElseThrow();
        if (job.phase().finished()) {
            return;
        }
        Backup backup = catalog.find(job.backupId()).orElseThrow();
        Path file = null;
        try {
            if (job.phase() == RestorePhase.ROLLING_BACK) {
                rollBack(job, job.preRestoreBackupId(), "interrupted by a restart while rolling back");
                return;
            }
            if (!job.phase().touchedTheDatabase()) {
                phase(job, RestorePhase.VERIFYING_CHECKSUM);
            }
            file = files.materialize(backup.storageKey(), backup.id().toString(), backup.encrypted(), backup.sha256());
            if (job.inPlace()) {
                inPlace(job, file);
            } else {
                intoNew(job, file);
            }
        } catch (IOException | RuntimeException e) {
            if (job.inPlace() && job.phase().touchedTheDatabase() && job.preRestoreBackupId() != null) {
                // Resumed after a crash that had emptied the database, and the backup cannot be read now.
                rollBack(job, job.preRestoreBackupId(), message(e));
            } else {
                // Before the database was touched, or a new database that was removed again.
                finish(jobId, RestorePhase.FAILED, message(e));
            }
        } finally {
            files.discardWorkCopy(file);
        }
    }

    private void inPlace(RestoreJob job, Path file) {
        UUID pre = job.preRestoreBackupId();
        // A job resumed after a crash that had already emptied the database must not back up that half-restored
        // state: it goes straight to recreating and restoring again, with the pre-restore backup it already has.
        if (!job.phase().touchedTheDatabase() && goneFromItsServer(job)) {
            // Its server lost it (a host rebuilt after losing its data disk): nothing to keep first, nothing to roll
            // back to. The provisioner makes it again, empty, with its role.
            LOG.infof("restore %s: database %s is not on its server; restoring without a pre-restore backup",
                    job.id(), job.databaseId());
        } else if (!job.phase().touchedTheDatabase()) {
            phase(job, RestorePhase.PRE_RESTORE_BACKUP);
            pre = catalog.enqueue(job.databaseId(), BackupReason.PRE_RESTORE);
            ServerPauses.patient(db.preparedQuery("UPDATE restore_jobs SET pre_restore_backup_id = $2 WHERE id = $1")
                    .execute(Tuple.of(job.id(), pre)), "recording restore " + job.id() + "'s pre-restore backup")
                    .await().indefinitely();
            Backup taken = backups.run(pre);
            if (!taken.completed()) {
                throw new ProblemException(ProblemType.BACKUP_REFUSED, "the pre-restore backup failed, so the "
                        + "database was left as it was: " + taken.error());
            }
        }
        try {
            recreateAndRestore(job, file);
        } catch (IOException | RuntimeException first) {
            Exception e = first;
            if (CatalogWrites.serverWentAway(first) && awaitServer(job)) {
                // The server restarted under it (or went away for a moment): it is back, and the backup is as good
                // as before, so the restore carries on from the start of its in-place part.
                LOG.warnf("restore %s: the server went away during the restore (%s); it is back, restoring again",
                        job.id(), message(first));
                try {
                    recreateAndRestore(job, file);
                    return;
                } catch (IOException | RuntimeException again) {
                    e = again;
                }
            }
            if (pre == null) {
                finish(job.id(), RestorePhase.FAILED, message(e) + "; the database was not on its server before, and "
                        + "is left empty");
            } else {
                rollBack(job, pre, message(e));
            }
        }
    }

    private void recreateAndRestore(RestoreJob job, Path file) throws IOException {
        phase(job, RestorePhase.RECREATING);
        AdminConnection target = provisioner.recreate(job.databaseId());
        phase(job, RestorePhase.RESTORING);
        // A dump of this database keeps its owners and grants; an imported one comes from elsewhere, so its
        // objects are given to this database's own login (its roles do not exist here).
        boolean imported = catalog.find(job.backupId()).map(b -> BackupReason.IMPORT.value().equals(b.reason()))
                .orElse(false);
        tool.restore(file, target, imported ? Dumps.Ownership.TARGET_OWNER : Dumps.Ownership.AS_DUMPED);
        finish(job.id(), RestorePhase.COMPLETED, null);
        LOG.infof("restored backup %s into database %s in place", job.backupId(), target.database());
    }

    /**
     * Waits (up to {@link ServerPauses#PATIENCE}) until the database's server takes connections again, asking the
     * provisioner for the way in each time; false when it stays away.
     */
    private boolean awaitServer(RestoreJob job) {
        long deadline = System.nanoTime() + ServerPauses.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                AdminConnection conn = provisioner.databaseAdmin(job.databaseId());
                if (conn.postgresql()) {
                    DatabaseShape.existsOnServer(conn); // throws while the server is away
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("restore %s: the server is not back yet (%s)", job.id(), e.getMessage());
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Whether the database is missing from its PostgreSQL server; false when that cannot be told. */
    private boolean goneFromItsServer(RestoreJob job) {
        try {
            AdminConnection conn = provisioner.databaseAdmin(job.databaseId());
            return conn.postgresql() && !DatabaseShape.existsOnServer(conn);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("restore %s: cannot tell whether the database exists (%s); backing it up first", job.id(),
                    e.getMessage());
            return false;
        }
    }

    /** Puts the pre-restore backup back after a restore that failed half-way. */
    private void rollBack(RestoreJob job, UUID preRestoreBackup, String why) {
        LOG.warnf("restore %s failed after the database was emptied (%s); rolling back to the pre-restore backup",
                job.id(), why);
        phase(job, RestorePhase.ROLLING_BACK);
        Path file = null;
        try {
            awaitServer(job); // a rollback needs the server as much as the restore did
            Backup pre = catalog.find(preRestoreBackup).orElseThrow();
            file = files.materialize(pre.storageKey(), pre.id().toString(), pre.encrypted(), pre.sha256());
            AdminConnection target = provisioner.recreate(job.databaseId());
            tool.restore(file, target, Dumps.Ownership.AS_DUMPED);
            finish(job.id(), RestorePhase.ROLLED_BACK, why + "; the database was put back as it was before the restore");
        } catch (IOException | RuntimeException e) {
            LOG.errorf("ROLLBACK of restore %s FAILED: %s; the pre-restore backup %s is intact in storage",
                    job.id(), message(e), preRestoreBackup);
            finish(job.id(), RestorePhase.FAILED, why + "; rolling back also failed (" + message(e)
                    + "); restore backup " + preRestoreBackup + " by hand");
        } finally {
            files.discardWorkCopy(file);
        }
    }

    private void intoNew(RestoreJob job, Path file) throws IOException {
        phase(job, RestorePhase.CREATING_DATABASE);
        String newId = job.newDatabaseId();
        if (newId == null) {
            RegistryClient.Database source = registry.get(job.databaseId());
            String environment = job.newEnvironment() != null ? job.newEnvironment()
                    : "r" + LocalDateTime.now().format(ENV_STAMP);
            RegistryClient.Database made = registry.create(DatabaseCreateRequest.of(source.app(),
                    source.instance() == null ? null : source.instance().id(), environment),
                    "restore-" + job.id());
            newId = made.id();
            db.preparedQuery("UPDATE restore_jobs SET new_database_id = $2 WHERE id = $1")
                    .execute(Tuple.of(job.id(), newId)).await().indefinitely();
        }
        try {
            phase(job, RestorePhase.RESTORING);
            AdminConnection target = provisioner.databaseAdmin(newId);
            tool.restore(file, target, Dumps.Ownership.TARGET_OWNER);
            finish(job.id(), RestorePhase.COMPLETED, null);
        } catch (IOException | RuntimeException e) {
            try {
                registry.delete(newId, DeletionPolicy.DELETE.word());
            } catch (RuntimeException cleanup) {
                LOG.warnf("could not delete database %s after its restore failed: %s", newId, cleanup.getMessage());
            }
            throw e;
        }
    }

    private void phase(RestoreJob job, RestorePhase phase) {
        // Not into a phase it is in already: a write retried after a lost acknowledgement announces nothing twice.
        record(job.id(), "UPDATE restore_jobs SET phase = $2 WHERE id = $1 AND phase <> $2",
                Tuple.of(job.id(), phase.name()), phase, null);
    }

    private void finish(UUID id, RestorePhase phase, String error) {
        record(id, "UPDATE restore_jobs SET phase = $2, finished_at = now(), error = $3 WHERE id = $1 AND phase <> $2",
                Tuple.of(id, phase.name(), error), phase, error);
    }

    /** The phase and its {@code RestorePhaseChanged} event in one transaction, so the page follows every step. */
    private void record(UUID id, String update, Tuple args, RestorePhase phase, String error) {
        ServerPauses.patient(db.withTransaction(tx -> tx.preparedQuery(update + " RETURNING database_id, backup_id, "
                                + "target").execute(args)
                        .flatMap(rows -> {
                            if (rows.size() == 0) {
                                return Uni.createFrom().voidItem();
                            }
                            var row = rows.iterator().next();
                            return outbox.append(tx, EventEnvelope.of(BackupCatalog.SOURCE, new RestorePhaseChanged(
                                    id.toString(), row.getString("database_id"), row.getUUID("backup_id").toString(),
                                    row.getString("target"), phase.name(), phase.finished(), error)));
                        })), "recording restore " + id + " as " + phase)
                .await().indefinitely();
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
