package dev.berth.registry.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.service.Reconciler;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The reconciler's findings: what the catalog and the instances disagree on. */
@Path("/api/reconciliation")
@Produces(MediaType.APPLICATION_JSON)
public class ReconciliationResource {

    @Inject
    Reconciler reconciler;

    @GET
    @Operation(summary = "The latest reconciliation report")
    public Reconciler.Report latest() {
        Reconciler.Report report = reconciler.last();
        if (report == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no reconciliation has run yet; POST to run one now");
        }
        return report;
    }

    @POST
    @Operation(summary = "Run a reconciliation now and return its report")
    public Uni<Reconciler.Report> runNow() {
        return reconciler.run();
    }
}
