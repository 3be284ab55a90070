package dev.berth.provisioner.client;

import dev.berth.contracts.admission.Admission;
import dev.berth.contracts.admission.AdmissionRequest;
import dev.berth.contracts.problem.ProblemResponses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry's admission API, asked by the Podman hook on each container create. */
@RegisterRestClient(configKey = "registry")
@RegisterProvider(ProblemResponses.class)
@Path("/internal/admissions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface RegistryClient {

    @POST
    Uni<Admission> admit(AdmissionRequest request);

    @DELETE
    @Path("/{appId}")
    Uni<Void> abandon(@PathParam("appId") UUID appId);
}
