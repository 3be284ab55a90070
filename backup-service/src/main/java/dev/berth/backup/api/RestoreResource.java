package dev.berth.backup.api;

import dev.berth.backup.service.RestoreJob;
import dev.berth.backup.service.RestoreService;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Restoring a database from one of its backups. */
@Path("/api/databases/{databaseId}/restore")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class RestoreResource {

    /** {@code target}: {@code in-place} (default) or {@code new}; {@code environment} names the new database's. */
    public record RestoreRequest(UUID backupId, String target, String environment) {
    }

    @Inject
    RestoreService restores;

    @POST
    @Operation(summary = "Restore a backup in place or into a new database",
            description = "202 with the job; follow it at /api/restores/{id}. The checksum is verified first; in "
                    + "place takes a pre-restore backup and rolls back to it if the restore fails half-way.")
    public Response restore(@PathParam("databaseId") String databaseId, RestoreRequest request) {
        if (request == null || request.backupId() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "backupId is required");
        }
        RestoreJob job = restores.request(databaseId, request.backupId(),
                request.target() == null ? "in-place" : request.target(), request.environment());
        return Response.accepted(job).location(URI.create("/api/restores/" + job.id())).build();
    }
}
