package dev.berth.backup.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.berth.contracts.catalog.DatabaseCreateRequest;
import dev.berth.contracts.problem.ProblemResponses;
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
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry's public API, for a restore into a new database (which must be in the catalog like any other). */
@RegisterRestClient(configKey = "registry")
@RegisterProvider(ProblemResponses.class)
@Path("/api/databases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface RegistryClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Database(String id, String app, String environment, InstanceRef instance, String database,
            String status) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record InstanceRef(String id, String name) {
    }

    @GET
    @Path("/{id}")
    Database get(@PathParam("id") String id);

    @POST
    Database create(DatabaseCreateRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey);

    @DELETE
    @Path("/{id}")
    void delete(@PathParam("id") String id, @QueryParam("policy") String policy);
}
