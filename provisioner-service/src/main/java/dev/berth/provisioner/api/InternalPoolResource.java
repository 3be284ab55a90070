package dev.berth.provisioner.api;

import dev.berth.contracts.provisioning.PoolStats;
import dev.berth.provisioner.pooler.PoolerStats;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry: PgBouncer's pools and statistics in front of an instance. */
@Path("/internal/instances/{id}/pool")
@Produces(MediaType.APPLICATION_JSON)
public class InternalPoolResource {

    @Inject
    PoolerStats pooler;

    @GET
    @Operation(summary = "PgBouncer's pools and statistics",
            description = "SHOW POOLS and SHOW STATS; 404 where no PgBouncer fronts the instance.")
    public Uni<PoolStats> pool(@PathParam("id") UUID id) {
        return pooler.read(id);
    }
}
