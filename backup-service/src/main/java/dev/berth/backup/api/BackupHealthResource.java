package dev.berth.backup.api;

import dev.berth.backup.service.BackupCatalog;
import dev.berth.backup.service.BackupHealth;
import dev.berth.backup.service.Cron;
import dev.berth.backup.service.GlobalsDump;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Fleet-wide backup state: who is not covered, and the instance-level globals dumps. */
@Path("/api/backups")
@Produces(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class BackupHealthResource {

    @Inject
    BackupHealth health;

    @Inject
    GlobalsDump globals;

    @Inject
    BackupCatalog catalog;

    @GET
    @Path("/health")
    @Operation(summary = "Databases without a successful backup within their schedule window",
            description = "Judged from each schedule, so a schedule that never fired is listed too.")
    public BackupHealth.Report health() {
        return health.report(Cron.now());
    }

    @GET
    @Path("/summary")
    @Operation(summary = "Per database: completed backups, bytes stored, the newest backup and the newest verification",
            description = "What the dashboard's database list shows in its backup columns, in one call.")
    public List<BackupCatalog.DatabaseBackups> summary() {
        return catalog.perDatabase();
    }

    @GET
    @Path("/globals")
    @Operation(summary = "pg_dumpall --globals-only dumps (roles, tablespaces) per instance, newest first")
    public List<GlobalsDump.Globals> globals(@QueryParam("instance") String instanceId) {
        return globals.list(instanceId);
    }
}
