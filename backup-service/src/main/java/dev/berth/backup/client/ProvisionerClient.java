package dev.berth.backup.client;

import dev.berth.contracts.problem.ProblemResponses;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The provisioner's internal API as the backup service uses it. Blocking on purpose: it is called from the worker
 * threads that run pg_dump and pg_restore, never from an event loop.
 */
@RegisterRestClient(configKey = "provisioner")
@RegisterProvider(ProblemResponses.class)
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
public interface ProvisionerClient {

    /** The backup encryption key, base64. */
    record DataKey(String key) {

        @Override
        public String toString() {
            return "DataKey[hidden]";
        }
    }

    @GET
    @Path("/databases/{id}/admin-connection")
    AdminConnection databaseAdmin(@PathParam("id") String databaseId);

    @POST
    @Path("/databases/{id}/recreate")
    AdminConnection recreate(@PathParam("id") String databaseId);

    @GET
    @Path("/instances/{id}/admin-connection")
    AdminConnection instanceAdmin(@PathParam("id") String instanceId);

    @POST
    @Path("/instances/{id}/scratch-databases")
    AdminConnection createScratch(@PathParam("id") String instanceId);

    @DELETE
    @Path("/instances/{id}/scratch-databases/{name}")
    void dropScratch(@PathParam("id") String instanceId, @PathParam("name") String name);

    @GET
    @Path("/vault/backup-key")
    DataKey backupKey();
}
