package dev.berth.registry.api;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.repository.InstanceRepository;
import dev.berth.registry.service.Adoption;
import dev.berth.registry.service.InstanceCatalog;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Database servers Berth knows. Registering and removing them comes with the provisioning work. */
@Path("/api/instances")
@Produces(MediaType.APPLICATION_JSON)
public class InstanceResource {

    @Inject
    InstanceRepository instances;

    @Inject
    RegistryConfig config;

    @Inject
    InstanceCatalog catalog;

    @GET
    @WithSession
    @Operation(summary = "List instances", description = "Paginated, ordered by name.")
    public Uni<PageView<InstanceView>> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Paging paging = Paging.of(page, size, config.page());
        return instances.count().flatMap(total -> instances.page(paging.index(), paging.size())
                .map(list -> new PageView<>(list.stream().map(InstanceView::of).toList(), paging.index(),
                        paging.size(), total)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an external PostgreSQL server",
            description = "The provisioner connects as the admin first; 422 with the reason when it cannot.")
    public Uni<Response> register(InstanceCatalog.Registration registration) {
        return catalog.register(registration).map(id -> Response.created(URI.create("/api/instances/" + id))
                .entity(Map.of("id", id)).build());
    }

    @Inject
    Adoption adoption;

    @GET
    @Path("/detect")
    @Operation(summary = "Database containers on Berth's Podman that are not instances yet",
            description = "Found by image name (postgres, mariadb, mysql, redis, mongo), with where Berth would "
                    + "connect and whether they can be adopted.")
    public Uni<List<Adoption.Candidate>> detect() {
        return adoption.detect();
    }

    @POST
    @Path("/adopt/{containerId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adopt a database container as an instance",
            description = "Connects with the given admin credentials first; 422 with the reason when they do not "
                    + "work, 501 for engines without a driver yet.")
    public Uni<Response> adopt(@PathParam("containerId") String containerId,
            Adoption.AdoptRequest request) {
        return adoption.adopt(containerId, request).map(id -> Response.created(URI.create("/api/instances/" + id))
                .entity(Map.of("id", id)).build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove an instance that has no app databases left")
    public Uni<Response> remove(@PathParam("id") UUID id) {
        return catalog.remove(id).map(v -> Response.noContent().build());
    }
}
