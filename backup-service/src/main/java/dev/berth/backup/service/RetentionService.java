package dev.berth.backup.service;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.storage.BackupStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;

/** Applies a database's {@link RetentionPolicy}: the file goes first, then the record. */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupSettings settings;

    @Inject
    BackupStorage storage;

    @Inject
    Clock clock;

    /** Removes what the policy lets go; returns how many backups were removed. */
    public int apply(String databaseId) {
        List<Backup> expired = settings.retentionFor(databaseId).expired(catalog.list(databaseId), clock);
        int removed = 0;
        for (Backup b : expired) {
            try {
                remove(b);
                removed++;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("retention could not remove backup %s of %s: %s", b.id(), b.databaseName(), e.getMessage());
            }
        }
        return removed;
    }

    /** Deletes a backup's file (if it has one) and then its record. */
    public void remove(Backup b) throws IOException {
        if (b.storageKey() != null) {
            storage.delete(b.storageKey());
        }
        catalog.delete(b.id());
    }
}
