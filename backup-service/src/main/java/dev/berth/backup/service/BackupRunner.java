package dev.berth.backup.service;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.engine.DatabaseShape;
import dev.berth.backup.engine.Dumps;
import dev.berth.backup.engine.ToolRun;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.provisioning.AdminConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Takes one backup: the engine's dump ({@code pg_dump -Fc}, {@code mariadb-dump}, Redis' keys), its output streamed through a sha256 into storage (no temp
 * copy, never whole in memory) under a name that appears only when the dump is complete; then the record and its
 * {@code BackupCompleted} event in one transaction. Any failure leaves no file and a {@code BackupFailed} event.
 */
@ApplicationScoped
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** How long a handed-out name is remembered: far past the second its stamp names. */
    private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** How a failure for lack of room starts: {@code BackupStorageCheck} looks for it. */
    public static final String STORAGE_FULL = "the backup storage is full";
    static final String STORAGE_FULL_REASON = "storage-full";

    private final Map<String, Long> recentKeys = new ConcurrentHashMap<>();
    /**
     * Threads of their own for reading a source's shape beside its dump: on the shared worker pool, a pool full of
     * clients waiting for backups ({@code ?waitSeconds=}) would hold back the very backups they wait for. At most one
     * per running backup.
     */
    private ExecutorService shapeReaders;

    @Inject
    MeterRegistry meters;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupFiles files;

    @Inject
    Dumps dumps;

    @Inject
    RetentionService retention;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** Runs a queued backup to its end on the calling thread; returns it as it ended (completed or failed). */
    public Backup run(UUID backupId) {
        Backup queued = catalog.find(backupId).orElseThrow();
        AdminConnection conn;
        try {
            conn = provisioner.databaseAdmin(queued.databaseId());
            dumps.requireTools(conn);
        } catch (ProblemException e) {
            catalog.start(backupId, null, null);
            failures("database").increment();
            catalog.fail(queued, e.getMessage());
            return catalog.find(backupId).orElseThrow();
        } catch (RuntimeException e) {
            catalog.start(backupId, null, null);
            failures("database").increment();
            catalog.fail(queued, "the provisioner could not be asked for the database's connection: " + e.getMessage());
            return catalog.find(backupId).orElseThrow();
        }
        if (!catalog.start(backupId, conn.instanceId(), conn.database())) {
            return catalog.find(backupId).orElseThrow();
        }
        try {
            BackupCatalog.Result result = dump(queued, conn);
            catalog.complete(queued, result);
            LOG.infof("backup %s of %s completed: %d bytes in %d ms", backupId, conn.database(), result.sizeBytes(),
                    result.durationMs());
            retention.apply(queued.databaseId());
        } catch (IOException | RuntimeException e) {
            String full = storageFull(e);
            if (full != null) {
                LOG.errorf("backup %s of %s failed: the backup storage is full (%s)", backupId, conn.database(), full);
                failures(STORAGE_FULL_REASON).increment();
                catalog.fail(queued, STORAGE_FULL + " (" + full + "); the older backups are untouched: free space "
                        + "(or lower the retention), then back up again");
            } else if (e instanceof DumpFailed || e instanceof ToolRun.ToolFailed) {
                LOG.warnf("backup %s of %s failed: %s", backupId, conn.database(), e.getMessage());
                failures("dump").increment();
                catalog.fail(queued, e.getMessage());
            } else {
                LOG.warnf("backup %s of %s failed: %s", backupId, conn.database(), e.toString());
                failures("storage").increment();
                catalog.fail(queued, "storing the dump failed: " + e.getMessage());
            }
        }
        return catalog.find(backupId).orElseThrow();
    }

    private BackupCatalog.Result dump(Backup backup, AdminConnection conn) throws IOException {
        long started = System.nanoTime();
        String key = keyFor(conn.database(), backup.id(), conn.engine());
        boolean encrypt = files.encrypting();
        BackupFiles.Sink sink = files.create(key, backup.id().toString(), encrypt);
        // The source's shape (compared with a restored copy when the backup is verified) is read on a connection of
        // its own while the dump runs: a login and two catalog counts cost next to nothing beside the dump, and the
        // backup no longer waits for them after it. Redis' dump counts its keys itself.
        CompletableFuture<DatabaseShape> shape = "redis".equals(conn.engine()) ? null
                : CompletableFuture.supplyAsync(() -> shapeOf(conn), shapeReaders);
        try {
            DatabaseShape dumped = dumps.dump(conn, sink.plain());
            DatabaseShape source = dumped != null ? dumped : awaited(shape);
            BackupFiles.Written written = sink.finish();
            return new BackupCatalog.Result(key, written.sizeBytes(), written.storedBytes(), written.sha256(), encrypt,
                    dumps.serverVersion(conn), dumps.toolVersion(conn), (System.nanoTime() - started) / 1_000_000,
                    source.tables(), source.rows());
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    @PostConstruct
    void start() {
        shapeReaders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "backup-shape");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        shapeReaders.shutdownNow();
    }

    private static DatabaseShape awaited(CompletableFuture<DatabaseShape> shape) {
        try {
            return shape.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private DatabaseShape shapeOf(AdminConnection conn) {
        try {
            return dumps.shape(conn, false);
        } catch (IOException | java.sql.SQLException e) {
            throw new DumpFailed("cannot read the tables of " + conn.database() + ": " + e.getMessage());
        }
    }

    /**
     * {@code {database}/{database}-{YYYYMMDD-HHMMSS}.dump} ({@code .sql} for MariaDB/MySQL, {@code .redis-keys} for
     * Redis; {@code .enc} appended when encrypted), with a short suffix if that second is taken — by a finished backup
     * (the catalog) or by one still being written (the catalog learns its name only at the end, so names handed out
     * in the last seconds are remembered here: two workers starting on one database in the same second once shared a
     * name, and one renamed the other's unfinished dump as its own).
     */
    String keyFor(String database, UUID backupId, String engine) {
        String base = database + "/" + database + "-" + LocalDateTime.now().format(STAMP);
        String ext = Dumps.extension(engine) + (files.encrypting() ? ".enc" : "");
        long now = System.nanoTime();
        recentKeys.values().removeIf(at -> now - at > RECENT_NANOS);
        String key = base + ext;
        if (recentKeys.putIfAbsent(key, now) != null || catalog.keyTaken(key)) {
            key = base + "-" + backupId.toString().substring(0, 8) + ext;
            recentKeys.put(key, now);
        }
        return key;
    }

    /**
     * The failure's words when the storage ran out of room (ENOSPC, or a quota) anywhere in its causes, else null:
     * then the storage, not the database, needs the operator.
     */
    static String storageFull(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            String message = e.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                return message.contains("Disk quota exceeded") ? "Disk quota exceeded" : "No space left on device";
            }
        }
        return null;
    }

    private Counter failures(String reason) {
        return Counter.builder("berth.backup.failures").tag("reason", reason)
                .description("Backups that failed, by what failed: database (not reachable), dump, storage, "
                        + STORAGE_FULL_REASON).register(meters);
    }

    /** pg_dump itself failed; the message is the summary of its stderr. */
    static final class DumpFailed extends RuntimeException {
        DumpFailed(String message) {
            super(message, null, false, false);
        }
    }
}
