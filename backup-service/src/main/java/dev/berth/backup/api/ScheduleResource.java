package dev.berth.backup.api;

import dev.berth.backup.domain.BackupSchedule;
import dev.berth.backup.repository.ScheduleRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The backup schedule of a database. Editing it, and the backups themselves, come with the backup work. */
@Path("/api/backup-schedules")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    /** A schedule as the API shows it. */
    public record ScheduleView(String databaseId, String databaseName, String cron, int retentionDays, int keepLast,
            boolean enabled, OffsetDateTime updatedAt) {

        static ScheduleView of(BackupSchedule s) {
            return new ScheduleView(s.databaseId, s.databaseName, s.cron, s.retentionDays, s.keepLast, s.enabled,
                    s.updatedAt);
        }
    }

    @Inject
    ScheduleRepository schedules;

    @GET
    @Path("/{databaseId}")
    @WithSession
    @Operation(summary = "A database's backup schedule")
    public Uni<ScheduleView> get(@PathParam("databaseId") String databaseId) {
        return schedules.findById(databaseId).map(s -> {
            if (s == null) {
                throw new NotFoundException("no backup schedule for database " + databaseId);
            }
            return ScheduleView.of(s);
        });
    }
}
