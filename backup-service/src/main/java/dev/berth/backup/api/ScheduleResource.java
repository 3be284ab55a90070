package dev.berth.backup.api;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.service.BackupCatalog;
import dev.berth.backup.service.BackupSettings;
import dev.berth.backup.service.Cron;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A database's backup schedule: its own values where it overrides the global settings, and how it stands. */
@Path("/api/backup-schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class ScheduleResource {

    /** Effective values, which of them are overrides, and the last successful and last verified backups. */
    public record ScheduleView(String databaseId, String databaseName, String cron, int retentionDays, int keepLast,
            boolean enabled, Overrides overrides, OffsetDateTime nextRunAt, OffsetDateTime lastBackupAt,
            OffsetDateTime lastVerifiedRestorableAt, OffsetDateTime updatedAt) {
    }

    /** The values this database sets itself; null = inherited from /api/backup-settings. */
    public record Overrides(String cron, Integer retentionDays, Integer keepLast) {
    }

    /** A change: null fields inherit the global settings; {@code enabled} defaults to true. */
    public record ScheduleChange(String cron, Integer retentionDays, Integer keepLast, Boolean enabled) {
    }

    @Inject
    BackupSettings settings;

    @Inject
    BackupCatalog catalog;

    @GET
    @Path("/{databaseId}")
    @Operation(summary = "A database's backup schedule; 404 when it has none")
    public ScheduleView get(@PathParam("databaseId") String databaseId) {
        return view(settings.schedule(databaseId).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "no backup schedule for database " + databaseId)));
    }

    @PUT
    @Path("/{databaseId}")
    @Operation(summary = "Override the schedule, retention or keep-last of one database, or switch it off",
            description = "404 for a database the backup service does not know (yet).")
    public ScheduleView put(@PathParam("databaseId") String databaseId, ScheduleChange change) {
        if (change == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a body is required");
        }
        String cron = change.cron() == null ? null : Cron.normalize(change.cron());
        SettingsResource.checkRetention(change.retentionDays(), change.keepLast());
        // Every database gets its schedule when it is provisioned (DatabaseProvisioned): no schedule, no database.
        BackupSettings.Schedule existing = settings.schedule(databaseId).orElseThrow(() -> new ProblemException(
                ProblemType.NOT_FOUND, "no backup schedule for database " + databaseId + ": it does not exist, or "
                        + "its provisioning has not reached the backup service yet"));
        return view(settings.saveSchedule(databaseId, existing.databaseName(), existing.instanceId(), cron,
                change.retentionDays(), change.keepLast(), change.enabled() == null || change.enabled()));
    }

    private ScheduleView view(BackupSettings.Schedule s) {
        BackupSettings.Effective eff = settings.effective(s, settings.global());
        List<Backup> backups = catalog.list(s.databaseId());
        OffsetDateTime lastBackup = backups.stream().filter(Backup::completed).map(Backup::finishedAt)
                .max(OffsetDateTime::compareTo).orElse(null);
        OffsetDateTime lastVerified = backups.stream()
                .filter(b -> "passed".equals(b.verifyStatus())).map(Backup::verifiedAt)
                .max(OffsetDateTime::compareTo).orElse(null);
        return new ScheduleView(s.databaseId(), s.databaseName(), eff.cron(), eff.retentionDays(), eff.keepLast(),
                eff.enabled(), new Overrides(s.cron(), s.retentionDays(), s.keepLast()), s.nextRunAt(), lastBackup,
                lastVerified, s.updatedAt());
    }
}
