package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global backup settings (one row, seeded from {@code berth.backup.default-schedule.*} on first start) and each
 * database's schedule, whose empty fields inherit them.
 */
@ApplicationScoped
public class BackupSettings {

    @Inject
    Pool db;

    @Inject
    BackupConfig config;

    /** The settings every schedule inherits from. */
    public record Global(boolean enabled, String cron, int retentionDays, int keepLast, OffsetDateTime updatedAt) {
    }

    /** A database's schedule row: null fields inherit the global settings. */
    public record Schedule(String databaseId, String databaseName, String instanceId, String cron,
            Integer retentionDays, Integer keepLast, boolean enabled, OffsetDateTime nextRunAt,
            OffsetDateTime lastRunAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        static final String COLUMNS = "database_id, database_name, instance_id, cron, retention_days, keep_last, "
                + "enabled, next_run_at, last_run_at, created_at, updated_at";

        static Schedule of(Row r) {
            return new Schedule(r.getString("database_id"), r.getString("database_name"), r.getString("instance_id"),
                    r.getString("cron"), r.getInteger("retention_days"), r.getInteger("keep_last"),
                    r.getBoolean("enabled"), r.getOffsetDateTime("next_run_at"), r.getOffsetDateTime("last_run_at"),
                    r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
        }
    }

    /** A schedule with the inherited values filled in. */
    public record Effective(Schedule schedule, String cron, int retentionDays, int keepLast, boolean enabled) {

        public RetentionPolicy retention() {
            return new RetentionPolicy(retentionDays, keepLast);
        }
    }

    void seed(@Observes StartupEvent start) {
        seed();
    }

    private void seed() {
        BackupConfig.DefaultSchedule d = config.defaultSchedule();
        db.preparedQuery("INSERT INTO backup_settings (id, enabled, cron, retention_days, keep_last) "
                        + "VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(d.enabled(), Cron.normalize(d.cron()), d.retentionDays(), d.keepLast()))
                .await().indefinitely();
    }

    public Global global() {
        var rows = db.query("SELECT enabled, cron, retention_days, keep_last, updated_at FROM backup_settings "
                + "WHERE id = 1").execute().await().indefinitely();
        if (rows.size() == 0) {
            // Asked for before the start-up seed ran (a scheduled job's first tick can come first).
            seed();
            return global();
        }
        Row r = rows.iterator().next();
        return new Global(r.getBoolean("enabled"), r.getString("cron"), r.getInteger("retention_days"),
                r.getInteger("keep_last"), r.getOffsetDateTime("updated_at"));
    }

    public Global updateGlobal(Global g) {
        db.withTransaction(tx -> tx.preparedQuery("UPDATE backup_settings SET enabled = $1, cron = $2, "
                                + "retention_days = $3, keep_last = $4, updated_at = now() WHERE id = 1")
                        .execute(Tuple.of(g.enabled(), g.cron(), g.retentionDays(), g.keepLast()))
                        // Schedules that inherit the cron are due at a new time now.
                        .call(() -> tx.query("UPDATE backup_schedules SET next_run_at = NULL WHERE cron IS NULL")
                                .execute()))
                .await().indefinitely();
        return global();
    }

    public Optional<Schedule> schedule(String databaseId) {
        var rows = db.preparedQuery("SELECT " + Schedule.COLUMNS + " FROM backup_schedules WHERE database_id = $1")
                .execute(Tuple.of(databaseId)).await().indefinitely();
        return rows.size() == 0 ? Optional.empty() : Optional.of(Schedule.of(rows.iterator().next()));
    }

    public List<Schedule> enabledSchedules() {
        List<Schedule> list = new ArrayList<>();
        db.query("SELECT " + Schedule.COLUMNS + " FROM backup_schedules WHERE enabled ORDER BY database_id")
                .execute().await().indefinitely().forEach(r -> list.add(Schedule.of(r)));
        return list;
    }

    /** Creates or changes a schedule's overrides (null = inherit) and its on/off switch. */
    public Schedule saveSchedule(String databaseId, String databaseName, String instanceId, String cron,
            Integer retentionDays, Integer keepLast, boolean enabled) {
        db.preparedQuery("INSERT INTO backup_schedules (database_id, database_name, instance_id, cron, retention_days, "
                        + "keep_last, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (database_id) DO UPDATE "
                        + "SET cron = $4, retention_days = $5, keep_last = $6, enabled = $7, next_run_at = NULL, "
                        + "database_name = coalesce(backup_schedules.database_name, $2), "
                        + "instance_id = coalesce(backup_schedules.instance_id, $3), updated_at = now()")
                .execute(Tuple.from(java.util.Arrays.asList(databaseId, databaseName, instanceId, cron, retentionDays,
                        keepLast, enabled)))
                .await().indefinitely();
        return schedule(databaseId).orElseThrow();
    }

    public Effective effective(Schedule s, Global g) {
        return new Effective(s, s.cron() != null ? s.cron() : g.cron(),
                s.retentionDays() != null ? s.retentionDays() : g.retentionDays(),
                s.keepLast() != null ? s.keepLast() : g.keepLast(), s.enabled() && g.enabled());
    }

    /** The retention that applies to a database, also when it has no schedule (e.g. a manual-only database). */
    public RetentionPolicy retentionFor(String databaseId) {
        Global g = global();
        return schedule(databaseId).map(s -> effective(s, g).retention())
                .orElse(new RetentionPolicy(g.retentionDays(), g.keepLast()));
    }
}
