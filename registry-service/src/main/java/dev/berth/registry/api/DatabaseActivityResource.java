package dev.berth.registry.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DatabaseSession;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.domain.AppDatabase.Status;
import dev.berth.registry.service.DatabaseSamples;
import dev.berth.registry.service.DatabaseService;
import dev.berth.registry.service.ProvisionerCalls;
import dev.berth.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** A database over time (sampled figures) and right now (its sessions, which operators may end). */
@Path("/api/databases/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class DatabaseActivityResource {

    static final int MAX_HOURS = 14 * 24;

    @Inject
    DatabaseService service;

    @Inject
    DatabaseSamples samples;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("/samples")
    @Operation(summary = "Size, connections and transactions per second over time",
            description = "One sample a minute (berth.registry.samples.interval), kept 14 days; ?hours= (1 to 336, "
                    + "default 24) says how far back. tps is null for the first sample and after a statistics reset.")
    public Uni<List<DatabaseSamples.Sample>> samples(@PathParam("id") UUID id, @QueryParam("hours") Integer hours) {
        int h = hours == null ? 24 : hours;
        if (h < 1 || h > MAX_HOURS) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "hours must be between 1 and " + MAX_HOURS);
        }
        return service.get(id).chain(db -> samples.of(id, Duration.ofHours(h)));
    }

    @GET
    @Path("/sessions")
    @Operation(summary = "Sessions connected to the database now",
            description = "From pg_stat_activity: user, application, client, state, when the query started, what it "
                    + "waits for. The statement text (passwords masked) only for admins and operators.")
    public Uni<List<DatabaseSession>> sessions(@PathParam("id") UUID id) {
        boolean mayReadQueries = identity.hasRole(Roles.ADMIN) || identity.hasRole(Roles.OPERATOR)
                || identity.hasRole(Roles.SERVICE);
        return ready(id).chain(() -> ProvisionerCalls.guarded(provisioner.sessions(id)))
                .map(list -> mayReadQueries ? list : list.stream().map(DatabaseSession::withoutQuery).toList());
    }

    @DELETE
    @Path("/sessions/{pid}")
    @Operation(summary = "End a session (pg_terminate_backend)", description = "Its open transaction is rolled back; "
            + "404 when that session is not connected to this database.")
    public Uni<Response> endSession(@PathParam("id") UUID id, @PathParam("pid") int pid) {
        return ready(id).chain(() -> ProvisionerCalls.guarded(provisioner.endSession(id, pid)))
                .map(v -> Response.noContent().build());
    }

    private Uni<Void> ready(UUID id) {
        return service.get(id).invoke(db -> {
            if (db.status() != Status.READY) {
                throw new ProblemException(ProblemType.CONFLICT, "database " + id + " is " + db.status().db()
                        + "; sessions are shown for ready databases");
            }
        }).replaceWithVoid();
    }
}
