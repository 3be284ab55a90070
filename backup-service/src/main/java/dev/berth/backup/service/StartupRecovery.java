package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * After a restart: a backup that was running is marked failed (its file was never committed, so none looks
 * complete) and reported with {@code BackupFailed}; queued backups and unfinished restores are picked up again.
 */
@ApplicationScoped
public class StartupRecovery {

    private static final Logger LOG = Logger.getLogger(StartupRecovery.class);

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupRunner runner;

    @Inject
    RestoreService restores;

    @Inject
    BackupWorkers workers;

    @Inject
    BackupConfig config;

    void onStart(@Observes @Priority(Integer.MAX_VALUE) StartupEvent start) {
        emptyWorkDir();
        for (Backup b : catalog.withStatus(BackupStatus.RUNNING)) {
            if (!workers.busyWith(b.id())) {
                LOG.warnf("backup %s of %s was interrupted by a restart", b.id(), b.databaseName());
                catalog.fail(b, "interrupted by a restart of the backup service");
            }
        }
        for (Backup b : catalog.withStatus(BackupStatus.QUEUED)) {
            workers.submit(b.id(), () -> runner.run(b.id()));
        }
        restores.unfinished().forEach(restores::resume);
    }

    private void emptyWorkDir() {
        Path work = Path.of(config.workDir());
        if (!Files.isDirectory(work)) {
            return;
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(work)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file we cannot remove is left for the operator
                }
            });
        } catch (IOException e) {
            LOG.warnf("cannot empty the work directory %s: %s", work, e.getMessage());
        }
    }
}
