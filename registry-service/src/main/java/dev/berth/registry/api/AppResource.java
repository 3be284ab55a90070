package dev.berth.registry.api;

import dev.berth.registry.service.AppService;
import dev.berth.registry.service.AppService.App;
import dev.berth.registry.service.AppService.DeployRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Apps deployed with their database: the container-creation hook as an API. */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AppResource {

    @Inject
    AppService apps;

    @POST
    @Operation(summary = "Deploy an app; its database is bound by database.mode and injected into its env",
            description = "Modes: auto (detected from env names left empty, e.g. DATABASE_URL=), new, existing "
                    + "(database.id), external (database.url), dedicated (an instance of its own, database.engine), "
                    + "none. 201 with the app (never the injected values); 4xx and nothing created when anything is "
                    + "refused. An Idempotency-Key header makes a retry return the same app (and finish a deploy "
                    + "that a restart cut off).")
    public Uni<Response> deploy(DeployRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return apps.deploy(request, idempotencyKey).map(app -> Response.created(URI.create("/api/apps/" + app.id()))
                .entity(app).build());
    }

    @GET
    @Operation(summary = "Apps (removed ones with includeRemoved=true)")
    public Uni<List<App>> list(@QueryParam("includeRemoved") boolean includeRemoved) {
        return apps.list(includeRemoved);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One app with its status, container and database binding")
    public Uni<App> get(@PathParam("id") UUID id) {
        return apps.get(id);
    }

    @POST
    @Path("/{id}/{action: start|stop|restart}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start, stop or restart the app's container")
    public Uni<App> act(@PathParam("id") UUID id, @PathParam("action") String action) {
        return apps.act(id, action);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove the app's container; its database then follows the app's deletion policy",
            description = "202: the removal is reported by Podman's event, and the policy (keep, delete, "
                    + "backup-then-delete, after the orphan grace period) runs from there.")
    public Uni<Response> remove(@PathParam("id") UUID id) {
        return apps.remove(id).map(app -> Response.accepted(app).build());
    }
}
