package dev.berth.backup.api;

import dev.berth.backup.service.BackupWorkers;
import dev.berth.backup.service.RestoreJob;
import dev.berth.backup.service.RestoreService;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Where a restore job is. */
@Path("/api/restores")
@Produces(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class RestoreJobResource {

    @Inject
    RestoreService restores;

    @Inject
    BackupWorkers workers;

    @GET
    @Path("/{id}")
    @Operation(summary = "A restore job: phase, error, the new database's id for target new",
            description = "?waitSeconds=N (at most 600) first waits for the job to finish.")
    public RestoreJob get(@PathParam("id") UUID id, @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) {
        workers.awaitIdle(id, Waits.bounded(waitSeconds));
        return restores.find(id).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no restore job " + id));
    }
}
