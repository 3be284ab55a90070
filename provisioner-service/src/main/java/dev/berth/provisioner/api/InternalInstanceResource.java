package dev.berth.provisioner.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.service.DatabaseMaintenance;
import dev.berth.provisioner.service.InstanceInventory;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry (never by users): admin endpoints of instances and what is on them. */
@Path("/internal/instances/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InternalInstanceResource {

    private static final Set<String> SSL_MODES = Set.of("disable", "prefer", "require");

    /** An instance's admin endpoint; the password is sealed in the vault and never returned. */
    public record EndpointRequest(String host, Integer port, String adminUser, String adminPassword, String sslmode,
            Integer poolSize) {

        @Override
        public String toString() {
            return "EndpointRequest[" + adminUser + "@" + host + ":" + port + "]";
        }
    }

    @Inject
    DatabaseMaintenance maintenance;

    @Inject
    InstanceConnections instances;

    @Inject
    InstanceInventory inventory;

    @PUT
    @Operation(summary = "Register or update an instance's admin endpoint",
            description = "Connects first; 422 when the server cannot be reached or the admin lacks rights.")
    public Uni<InstanceConnections.Probe> register(@PathParam("id") UUID id, EndpointRequest request) {
        if (request == null || blank(request.host()) || blank(request.adminUser()) || request.adminPassword() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "host, adminUser and adminPassword are required");
        }
        int port = request.port() == null ? 5432 : request.port();
        String sslmode = request.sslmode() == null ? "prefer" : request.sslmode();
        if (!SSL_MODES.contains(sslmode)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "sslmode must be one of " + SSL_MODES);
        }
        int poolSize = request.poolSize() == null ? 0 : request.poolSize();
        return instances.register(new InstanceEndpoint(id, request.host(), port, request.adminUser(), sslmode),
                request.adminPassword(), poolSize);
    }

    @DELETE
    @Operation(summary = "Forget an instance's admin endpoint and password")
    public Uni<Void> forget(@PathParam("id") UUID id) {
        return instances.forget(id);
    }

    @GET
    @Path("/inventory")
    @Operation(summary = "Databases and roles on the instance, and Berth's pool databases there")
    public Uni<InstanceInventory.Inventory> inventory(@PathParam("id") UUID id) {
        return inventory.of(id);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @GET
    @Path("/database-figures")
    @Operation(summary = "Size, connections and the transaction counter of every database on the instance")
    public Uni<List<DatabaseFigures>> figures(@PathParam("id") UUID id) {
        return inventory.figures(id);
    }

    @GET
    @Path("/admin-connection")
    @Operation(summary = "How to reach an instance as its admin (for pg_dumpall --globals-only)")
    public Uni<AdminConnection> adminConnection(@PathParam("id") UUID id) {
        return maintenance.forInstance(id);
    }

    @POST
    @Path("/scratch-databases")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create an empty scratch database for a throw-away restore")
    public Uni<AdminConnection> createScratch(@PathParam("id") UUID id) {
        return maintenance.createScratch(id);
    }

    @DELETE
    @Path("/scratch-databases/{name}")
    @Operation(summary = "Drop a scratch database (refuses any other name)")
    public Uni<Void> dropScratch(@PathParam("id") UUID id, @PathParam("name") String name) {
        return maintenance.dropScratch(id, name);
    }
}
