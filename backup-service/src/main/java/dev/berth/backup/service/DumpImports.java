package dev.berth.backup.service;

import dev.berth.backup.client.RegistryClient;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.engine.PgTools;
import dev.berth.backup.engine.ToolRun;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.backup.storage.BackupStorage;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Imports a {@code pg_dump -Fc} file a user uploads: streamed into storage through a sha256 (never whole in memory)
 * as a backup with reason {@code import}, checked with {@code pg_restore -l} before anything is touched, then restored
 * by the restore path every backup takes (checksum, pre-restore backup and rollback when in place). A file that is not
 * a custom-format dump is removed again and refused with 422; the database is not touched.
 */
@ApplicationScoped
public class DumpImports {

    private static final Logger LOG = Logger.getLogger(DumpImports.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** What an import made: the stored dump and the restore that follows. */
    public record Imported(Backup backup, RestoreJob restore) {
    }

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupFiles files;

    @Inject
    BackupStorage storage;

    @Inject
    PgTools tools;

    @Inject
    RestoreService restores;

    @Inject
    @RestClient
    dev.berth.backup.client.ProvisionerClient provisioner;

    @Inject
    @RestClient
    RegistryClient registry;

    public Imported accept(String databaseId, InputStream upload, String target, String environment) {
        RestoreService.requireTarget(target);
        RegistryClient.Database database = registry.get(databaseId);
        String engine = provisioner.databaseAdmin(databaseId).engine();
        if (!"postgresql".equals(engine)) {
            throw new ProblemException(ProblemType.BACKUP_REFUSED, "imports take PostgreSQL dumps (pg_dump -Fc); "
                    + "this database is on a " + engine + " instance");
        }
        if (!"ready".equals(database.status())) {
            throw new ProblemException(ProblemType.CONFLICT, "database " + databaseId + " is " + database.status()
                    + "; import into a ready database");
        }
        UUID id = catalog.receiving(databaseId, database.database());
        Backup receiving = catalog.find(id).orElseThrow();
        String key = database.database() + "/" + database.database() + "-import-" + LocalDateTime.now().format(STAMP)
                + "-" + id.toString().substring(0, 8) + (files.encrypting() ? ".dump.enc" : ".dump");
        long started = System.nanoTime();
        BackupFiles.Written written;
        try {
            written = store(key, id, upload);
        } catch (IOException | RuntimeException e) {
            catalog.fail(receiving, "the upload did not complete: " + e.getMessage());
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the upload did not complete (" + e.getMessage()
                    + "); nothing was changed");
        }
        String contents = listing(key, id, written);
        if (contents != null) {
            discard(receiving, key, contents);
            throw new ProblemException(ProblemType.BACKUP_REFUSED, "this is not a pg_dump custom-format file ("
                    + contents + "); make one with pg_dump -Fc. Nothing was changed.");
        }
        catalog.complete(receiving, new BackupCatalog.Result(key, written.sizeBytes(), written.storedBytes(),
                written.sha256(), files.encrypting(), null, tools.version().text(),
                (System.nanoTime() - started) / 1_000_000, 0, 0));
        LOG.infof("imported a %d-byte dump for database %s as backup %s", written.sizeBytes(), databaseId, id);
        RestoreJob job = restores.request(databaseId, id, target, environment);
        return new Imported(catalog.find(id).orElseThrow(), job);
    }

    private BackupFiles.Written store(String key, UUID id, InputStream upload) throws IOException {
        BackupFiles.Sink sink = files.create(key, id.toString(), files.encrypting());
        try {
            OutputStream out = sink.plain();
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = upload.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            return sink.finish();
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    /** Null when {@code pg_restore -l} reads the file as a dump; otherwise what it said. */
    private String listing(String key, UUID id, BackupFiles.Written written) {
        Path file = null;
        try {
            file = files.materialize(key, id.toString(), files.encrypting(), written.sha256());
            ToolRun.check("pg_restore", new ProcessBuilder(List.of(tools.tool("pg_restore").toString(), "--list",
                    file.toString())));
            return null;
        } catch (ToolRun.ToolFailed e) {
            return e.summary();
        } catch (IOException e) {
            return "it could not be read: " + e.getMessage();
        } finally {
            if (file != null) {
                files.discardWorkCopy(file);
            }
        }
    }

    private void discard(Backup receiving, String key, String why) {
        try {
            storage.delete(key);
        } catch (IOException e) {
            LOG.warnf("the refused upload %s stays in storage (remove it by hand): %s", key, e.getMessage());
        }
        catalog.delete(receiving.id());
        LOG.infof("refused an upload for database %s: %s", receiving.databaseId(), why);
    }
}
