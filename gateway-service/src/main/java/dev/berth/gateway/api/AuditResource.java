package dev.berth.gateway.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.audit.AuditTrail;
import dev.berth.gateway.audit.AuditTrail.Entry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The audit log (administrators only). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditTrail audit;

    @GET
    @Operation(summary = "Audit log", description = "Newest first: changes, credential reveals, sign-ins.")
    public Uni<List<Entry>> newest(@QueryParam("limit") Integer limit, @QueryParam("actor") String actor) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "limit must be between 1 and 1000");
        }
        return audit.newest(n, actor);
    }
}
