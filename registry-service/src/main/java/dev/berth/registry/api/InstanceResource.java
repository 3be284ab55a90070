package dev.berth.registry.api;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.repository.InstanceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Database servers Berth knows. Registering and removing them comes with the provisioning work. */
@Path("/api/instances")
@Produces(MediaType.APPLICATION_JSON)
public class InstanceResource {

    @Inject
    InstanceRepository instances;

    @Inject
    RegistryConfig config;

    @GET
    @WithSession
    @Operation(summary = "List instances", description = "Paginated, ordered by name.")
    public Uni<PageView<InstanceView>> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        int index = page == null ? 0 : page;
        int pageSize = size == null ? config.page().defaultSize() : size;
        if (index < 0) {
            throw new BadRequestException("page must be 0 or more");
        }
        if (pageSize < 1 || pageSize > config.page().maxSize()) {
            throw new BadRequestException("size must be between 1 and " + config.page().maxSize());
        }
        return instances.count().flatMap(total -> instances.page(index, pageSize)
                .map(list -> new PageView<>(list.stream().map(InstanceView::of).toList(), index, pageSize, total)));
    }
}
