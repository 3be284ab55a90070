package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import dev.berth.backup.domain.BackupStatus;
import dev.berth.backup.storage.BackupStorage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which databases lack a successful backup within their schedule window. The window is judged from the schedule
 * itself, not from failure reports, so a schedule that never fired at all shows up too. Also feeds the
 * {@code berth_backups{status}} and {@code berth_backup_databases_overdue} gauges.
 */
@ApplicationScoped
public class BackupHealth {

    @Inject
    BackupSettings settings;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupConfig config;

    @Inject
    Pool db;

    @Inject
    MeterRegistry meters;

    @Inject
    BackupStorage storage;

    private final Map<BackupStatus, AtomicLong> byStatus = new EnumMap<>(BackupStatus.class);
    private final AtomicLong overdue = new AtomicLong();

    /** One database that is not covered. */
    public record Overdue(String databaseId, String databaseName, OffsetDateTime dueAt, OffsetDateTime lastSuccessAt,
            String lastError, String reason) {
    }

    /** The whole picture. */
    public record Report(boolean backupsEnabled, int scheduledDatabases, List<Overdue> overdue) {
    }

    void registerGauges(@Observes StartupEvent start) {
        for (BackupStatus s : BackupStatus.values()) {
            AtomicLong value = new AtomicLong();
            byStatus.put(s, value);
            Gauge.builder("berth.backups", value, AtomicLong::get).tag("status", s.value())
                    .description("Backups by status").register(meters);
        }
        Gauge.builder("berth.backup.databases.overdue", overdue, AtomicLong::get)
                .description("Databases without a successful backup within their schedule window").register(meters);
        if (storage.localDirectory().isPresent()) {
            Gauge.builder("berth.backup.storage.free", storage.localDirectory().get(), BackupHealth::usableBytes)
                    .baseUnit("bytes")
                    .description("Free space where local backups are written").register(meters);
        }
    }

    private static double usableBytes(java.nio.file.Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @Scheduled(every = "30s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshGauges() {
        db.query("SELECT status, count(*) FROM backups GROUP BY status").execute().await().indefinitely()
                .forEach(r -> byStatus.get(BackupStatus.of(r.getString(0))).set(r.getLong(1)));
        overdue.set(report(Cron.now()).overdue().size());
    }

    public Report report(ZonedDateTime now) {
        BackupSettings.Global global = settings.global();
        List<BackupSettings.Schedule> schedules = settings.enabledSchedules();
        List<Overdue> late = new ArrayList<>();
        if (!global.enabled()) {
            return new Report(false, schedules.size(), late);
        }
        ZonedDateTime judgedAt = now.minus(config.healthGrace());
        Map<String, BackupCatalog.Summary> summaries = catalog.summaries();
        BackupCatalog.Summary none = new BackupCatalog.Summary(null, null, null);
        for (BackupSettings.Schedule s : schedules) {
            BackupSettings.Effective eff = settings.effective(s, global);
            Optional<ZonedDateTime> due = Cron.last(eff.cron(), judgedAt);
            if (due.isEmpty() || due.get().toOffsetDateTime().isBefore(s.createdAt())) {
                continue; // not due even once since the schedule exists
            }
            OffsetDateTime dueAt = due.get().toOffsetDateTime();
            BackupCatalog.Summary b = summaries.getOrDefault(s.databaseId(), none);
            if (b.lastSuccessAt() != null && !b.lastSuccessAt().isBefore(dueAt)) {
                continue;
            }
            String reason = b.lastSuccessAt() == null ? "never backed up successfully; a backup was due at " + dueAt
                    : "no successful backup since the run due at " + dueAt;
            if (b.lastError() == null && (b.lastStartedAt() == null || b.lastStartedAt().isBefore(dueAt))) {
                reason += " — and no backup was even attempted (is the scheduler running?)";
            }
            late.add(new Overdue(s.databaseId(), s.databaseName(), dueAt, b.lastSuccessAt(), b.lastError(), reason));
        }
        return new Report(true, schedules.size(), late);
    }
}
