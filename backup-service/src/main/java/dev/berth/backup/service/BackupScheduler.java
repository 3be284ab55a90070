package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupReason;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Finds due schedules every {@code berth.backup.tick} and queues their backups on the bounded
 * {@link BackupWorkers}; with them, the instance's globals. On the verification schedule it queues a restore test of
 * each database's newest unverified backup, and sweeps retention. A schedule is claimed by moving its
 * {@code next_run_at} forward in one conditional UPDATE, so two service copies never run the same one twice.
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);
    private static final Duration GLOBALS_EVERY = Duration.ofHours(12);

    @Inject
    Pool db;

    @Inject
    BackupSettings settings;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupRunner runner;

    @Inject
    RestoreVerifier verifier;

    @Inject
    RetentionService retention;

    @Inject
    GlobalsDump globals;

    @Inject
    BackupWorkers workers;

    @Inject
    BackupConfig config;

    private volatile ZonedDateTime verifyCheckedUpTo = Cron.now();

    @Scheduled(every = "${berth.backup.tick}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onTick() {
        try {
            tick(Cron.now());
        } catch (RuntimeException e) {
            LOG.warnf("backup scheduler tick failed: %s", e.getMessage());
        }
    }

    /** Queues what is due at {@code now}; returns how many backups were queued. */
    public int tick(ZonedDateTime now) {
        BackupSettings.Global global = settings.global();
        int queued = 0;
        Set<String> instances = new HashSet<>();
        for (BackupSettings.Schedule s : settings.enabledSchedules()) {
            BackupSettings.Effective eff = settings.effective(s, global);
            if (s.nextRunAt() == null) {
                setNext(s, Cron.next(eff.cron(), now), null);
                continue;
            }
            if (!eff.enabled() || s.nextRunAt().toInstant().isAfter(now.toInstant())) {
                continue;
            }
            if (setNext(s, Cron.next(eff.cron(), now), s.nextRunAt())) {
                UUID id = catalog.enqueue(s.databaseId(), BackupReason.SCHEDULED);
                workers.submit(id, () -> runner.run(id));
                queued++;
                if (s.instanceId() != null) {
                    instances.add(s.instanceId());
                }
            }
        }
        for (String instance : instances) {
            if (globals.olderThan(instance, GLOBALS_EVERY)) {
                workers.submit(UUID.nameUUIDFromBytes(("globals:" + instance).getBytes()), () -> {
                    try {
                        globals.take(instance);
                    } catch (Exception e) {
                        LOG.warnf("globals dump of instance %s failed: %s", instance, e.getMessage());
                    }
                });
            }
        }
        if (config.verify().enabled() && verificationDue(now)) {
            verifyAndSweep();
        }
        return queued;
    }

    /**
     * Sweeps retention over every database that has backups (also dropped ones: their newest successful backup
     * stays, older ones go by the policy), and queues a restore test of each scheduled database's newest backup that
     * was not verified yet.
     */
    public int verifyAndSweep() {
        db.query("SELECT DISTINCT database_id FROM backups").execute().await().indefinitely()
                .forEach(row -> retention.apply(row.getString(0)));
        int queued = 0;
        for (BackupSettings.Schedule s : settings.enabledSchedules()) {
            Backup latest = catalog.latestCompleted(s.databaseId()).orElse(null);
            if (latest != null && latest.verifyStatus() == null) {
                workers.submit(latest.id(), () -> verifier.verify(latest.id()));
                queued++;
            }
        }
        return queued;
    }

    private boolean verificationDue(ZonedDateTime now) {
        boolean due = Cron.last(config.verify().cron(), now).map(last -> last.isAfter(verifyCheckedUpTo))
                .orElse(false);
        verifyCheckedUpTo = now;
        return due;
    }

    private boolean setNext(BackupSettings.Schedule s, ZonedDateTime next, java.time.OffsetDateTime expected) {
        String sql = expected == null
                ? "UPDATE backup_schedules SET next_run_at = $2 WHERE database_id = $1 AND next_run_at IS NULL"
                : "UPDATE backup_schedules SET next_run_at = $2, last_run_at = now() WHERE database_id = $1 "
                        + "AND next_run_at = $3";
        Tuple args = expected == null ? Tuple.of(s.databaseId(), next.toOffsetDateTime())
                : Tuple.of(s.databaseId(), next.toOffsetDateTime(), expected);
        return db.preparedQuery(sql).execute(args).await().indefinitely().rowCount() == 1;
    }
}
