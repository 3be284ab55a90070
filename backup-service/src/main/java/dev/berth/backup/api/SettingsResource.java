package dev.berth.backup.api;

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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The settings every database's schedule inherits. */
@Path("/api/backup-settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class SettingsResource {

    static final int MAX_RETENTION_DAYS = 3650;

    /** A change; absent fields keep their value. {@code cron} also takes daily / weekly. */
    public record SettingsChange(Boolean enabled, String cron, Integer retentionDays, Integer keepLast) {
    }

    @Inject
    BackupSettings settings;

    @GET
    @Operation(summary = "Global backup settings: enabled, schedule, retention days, keep-last")
    public BackupSettings.Global get() {
        return settings.global();
    }

    @PUT
    @Operation(summary = "Change the global backup settings (7/14/30/90 days are the usual retention choices)")
    public BackupSettings.Global put(SettingsChange change) {
        if (change == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a body is required");
        }
        checkRetention(change.retentionDays(), change.keepLast());
        BackupSettings.Global now = settings.global();
        return settings.updateGlobal(new BackupSettings.Global(
                change.enabled() == null ? now.enabled() : change.enabled(),
                change.cron() == null ? now.cron() : Cron.normalize(change.cron()),
                change.retentionDays() == null ? now.retentionDays() : change.retentionDays(),
                change.keepLast() == null ? now.keepLast() : change.keepLast(), null));
    }

    static void checkRetention(Integer retentionDays, Integer keepLast) {
        if (retentionDays != null && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "retentionDays must be between 1 and "
                    + MAX_RETENTION_DAYS + ", not " + retentionDays);
        }
        if (keepLast != null && keepLast < 1) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "keepLast must be 1 or more: the newest "
                    + "successful backup is always kept");
        }
    }
}
