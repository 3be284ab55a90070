package dev.berth.provisioner.api;

import dev.berth.provisioner.config.ProvisionerConfig;
import dev.berth.provisioner.domain.ProvisioningOperation;
import dev.berth.provisioner.repository.OperationRepository;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** What the provisioner did recently: the first place to look when a database did not appear. */
@Path("/api/operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationResource {

    /** An operation as the API shows it. */
    public record OperationView(UUID id, String kind, String target, String phase, OffsetDateTime startedAt,
            OffsetDateTime finishedAt, String error) {

        static OperationView of(ProvisioningOperation o) {
            return new OperationView(o.id(), o.kind(), o.target(), o.phase(), o.startedAt(), o.finishedAt(), o.error());
        }
    }

    @Inject
    OperationRepository operations;

    @Inject
    ProvisionerConfig config;

    @GET
    @Operation(summary = "Recent provisioning operations", description = "Newest first.")
    public Uni<List<OperationView>> recent() {
        return operations.newest(config.operations().listLimit())
                .map(list -> list.stream().map(OperationView::of).toList());
    }
}
