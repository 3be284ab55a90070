package dev.berth.registry.api;

import dev.berth.contracts.admission.Admission;
import dev.berth.contracts.admission.AdmissionRequest;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.service.Admissions;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the provisioner's Podman hook (never by users): what to inject into a container create. */
@Path("/internal/admissions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdmissionResource {

    @Inject
    Admissions admissions;

    @POST
    @Operation(summary = "Detect, provision or bind, and return the env to inject (env null: leave the create alone)")
    public Uni<Admission> admit(AdmissionRequest request) {
        if (request == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a JSON body with name, image, env and labels is "
                    + "required");
        }
        return admissions.admit(request.name(), request.image(), request.env(), request.labels());
    }

    @DELETE
    @Path("/{appId}")
    @Operation(summary = "Podman refused the admitted create: forget the app and drop a database made for it")
    public Uni<Response> abandon(@PathParam("appId") UUID appId) {
        return admissions.abandon(appId).map(v -> Response.noContent().build());
    }
}
