package dev.berth.provisioner.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import dev.berth.contracts.provisioning.DatabaseSession;
import dev.berth.contracts.provisioning.ProvisionRequest;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.provisioner.config.ProvisionerConfig;
import dev.berth.provisioner.service.CredentialRotation;
import dev.berth.provisioner.service.DatabaseMaintenance;
import dev.berth.provisioner.service.DatabaseProvisioner;
import dev.berth.provisioner.service.InstanceInventory;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry (never by users): the side effects behind {@code /api/databases}. */
@Path("/internal/databases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InternalDatabaseResource {

    public record RotateRequest(String mode, Boolean terminateSessions, Long graceSeconds) {
    }

    @Inject
    DatabaseMaintenance maintenance;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    CredentialRotation rotation;

    @Inject
    InstanceInventory inventory;

    @Inject
    ProvisionerConfig config;

    @POST
    @Operation(summary = "Create role and database (idempotent per databaseId)")
    public Uni<ProvisionedLogin> create(ProvisionRequest request) {
        if (request == null || request.databaseId() == null || request.instanceId() == null
                || request.databaseName() == null || request.roleName() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "databaseId, instanceId, databaseName and roleName are required");
        }
        if (request.connectionLimit() != null && request.connectionLimit() < 1) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "connectionLimit must be 1 or more");
        }
        return provisioner.create(request);
    }

    @GET
    @Path("/{id}/credentials")
    @Operation(summary = "The credentials that open the database now")
    public Uni<ProvisionedLogin> credentials(@PathParam("id") UUID id) {
        return provisioner.credentials(id);
    }

    @GET
    @Path("/{id}/stats")
    @Operation(summary = "Size, connections and last activity from the server's statistics")
    public Uni<InstanceInventory.Stats> stats(@PathParam("id") UUID id) {
        return inventory.stats(id);
    }

    @GET
    @Path("/{id}/sessions")
    @Operation(summary = "Sessions connected to the database now (pg_stat_activity)")
    public Uni<List<DatabaseSession>> sessions(@PathParam("id") UUID id) {
        return inventory.sessions(id);
    }

    @DELETE
    @Path("/{id}/sessions/{pid}")
    @Operation(summary = "End one session of the database (pg_terminate_backend); 404 when it is not connected")
    public Uni<Response> endSession(@PathParam("id") UUID id, @PathParam("pid") int pid) {
        return inventory.endSession(id, pid).map(ended -> {
            if (!ended) {
                throw new ProblemException(ProblemType.NOT_FOUND, "no session " + pid + " is connected to database "
                        + id);
            }
            return Response.noContent().build();
        });
    }

    @POST
    @Path("/{id}/rotate")
    @Operation(summary = "Rotate the password: immediate or zero-downtime")
    public Uni<ProvisionedLogin> rotate(@PathParam("id") UUID id, RotateRequest request) {
        String mode = request == null || request.mode() == null ? "immediate" : request.mode();
        CredentialRotation.Mode parsed = switch (mode) {
            case "immediate" -> CredentialRotation.Mode.IMMEDIATE;
            case "zero-downtime" -> CredentialRotation.Mode.ZERO_DOWNTIME;
            default -> throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "mode must be immediate or zero-downtime, not '" + mode + "'");
        };
        Duration grace = request == null || request.graceSeconds() == null ? config.rotation().defaultGrace()
                : Duration.ofSeconds(request.graceSeconds());
        if (grace.isNegative()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "graceSeconds must be 0 or more");
        }
        boolean terminate = request != null && Boolean.TRUE.equals(request.terminateSessions());
        return rotation.rotate(id, parsed, terminate, grace);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Terminate sessions, drop the database and its roles, forget its password (idempotent)")
    public Uni<Response> drop(@PathParam("id") UUID id) {
        return provisioner.drop(id).map(dropped -> Response.noContent().build());
    }

    @GET
    @Path("/{id}/admin-connection")
    @Operation(summary = "How to reach an app database as the instance admin (for pg_dump / pg_restore)",
            description = "Carries the admin password: the backup service keeps it in memory for one run only.")
    public Uni<AdminConnection> adminConnection(@PathParam("id") UUID id) {
        return maintenance.forDatabase(id);
    }

    /** {@code enabled=false} quarantines the database's login (orphans); {@code true} releases it. */
    public record LoginState(Boolean enabled) {
    }

    @POST
    @Path("/{id}/login")
    @Operation(summary = "Quarantine (enabled=false) or release the database's login; the password stays")
    public Uni<Response> login(@PathParam("id") UUID id, LoginState state) {
        if (state == null || state.enabled() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "enabled (true or false) is required");
        }
        return rotation.allowLogin(id, state.enabled()).map(v -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/recreate")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Terminate sessions, drop and recreate the database empty, same owner and grants")
    public Uni<AdminConnection> recreate(@PathParam("id") UUID id) {
        return maintenance.recreate(id);
    }
}
