package dev.berth.registry.client;

import dev.berth.contracts.problem.ProblemResponses;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.contracts.provisioning.InstanceStats;
import dev.berth.contracts.provisioning.DatabaseSession;
import dev.berth.contracts.provisioning.ProvisionRequest;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The provisioner's internal API: every side effect on an instance goes through it. */
@RegisterRestClient(configKey = "provisioner")
@RegisterProvider(ProblemResponses.class)
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ProvisionerClient {

    record Endpoint(String host, int port, String adminUser, String adminPassword, String sslmode, int poolSize) {

        @Override
        public String toString() {
            return "Endpoint[" + adminUser + "@" + host + ":" + port + "]";
        }
    }

    record Probe(String serverVersion, int serverVersionNum) {
    }

    record RotateRequest(String mode, Boolean terminateSessions, Long graceSeconds) {
    }

    record Stats(long sizeBytes, int connections, OffsetDateTime lastActivityAt, long commits) {
    }

    record Inventory(UUID instanceId, List<String> databases, List<String> roles, List<String> poolDatabases,
            List<String> unpoolable, long elapsedMillis) {
    }

    @PUT
    @Path("/instances/{id}")
    Uni<Probe> register(@PathParam("id") UUID id, Endpoint endpoint);

    @DELETE
    @Path("/instances/{id}")
    Uni<Void> forget(@PathParam("id") UUID id);

    @GET
    @Path("/instances/{id}/inventory")
    Uni<Inventory> inventory(@PathParam("id") UUID id);

    @POST
    @Path("/databases")
    Uni<ProvisionedLogin> create(ProvisionRequest request);

    @GET
    @Path("/databases/{id}/credentials")
    Uni<ProvisionedLogin> credentials(@PathParam("id") UUID id);

    @GET
    @Path("/databases/{id}/stats")
    Uni<Stats> stats(@PathParam("id") UUID id);

    @GET
    @Path("/instances/{id}/database-figures")
    Uni<List<DatabaseFigures>> figures(@PathParam("id") UUID instanceId);

    @GET
    @Path("/databases/{id}/sessions")
    Uni<List<DatabaseSession>> sessions(@PathParam("id") UUID id);

    @DELETE
    @Path("/databases/{id}/sessions/{pid}")
    Uni<Void> endSession(@PathParam("id") UUID id, @PathParam("pid") int pid);

    @POST
    @Path("/databases/{id}/rotate")
    Uni<ProvisionedLogin> rotate(@PathParam("id") UUID id, RotateRequest request);

    @DELETE
    @Path("/databases/{id}")
    Uni<Void> drop(@PathParam("id") UUID id);

    /** An app's credentials as a Kubernetes Secret: {@code data} holds the password, never logged. */
    record SecretRequest(UUID database, Map<String, String> data) {

        @Override
        public String toString() {
            return "SecretRequest[" + database + ", keys " + (data == null ? "none" : data.keySet()) + "]";
        }
    }

    record WrittenSecret(String namespace, String name, List<String> keys, boolean created) {
    }

    @PUT
    @Path("/kubernetes/namespaces/{namespace}/secrets/{name}")
    Uni<WrittenSecret> writeSecret(@PathParam("namespace") String namespace, @PathParam("name") String name,
            SecretRequest request);

    @DELETE
    @Path("/kubernetes/namespaces/{namespace}/secrets/{name}")
    Uni<Void> deleteSecret(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("database") UUID database);

    record LoginState(boolean enabled) {
    }

    /** Quarantine ({@code enabled=false}) or release a database's login. */
    @POST
    @Path("/databases/{id}/login")
    Uni<Void> allowLogin(@PathParam("id") UUID id, LoginState state);

    record Port(Integer hostPort, Integer containerPort, String hostIp, String protocol) {
    }

    /** {@code env} holds the injected password: never logged. */
    record ContainerRequest(String name, String image, Map<String, String> env, List<Port> ports, String app,
            String databaseId, Map<String, String> labels, List<String> command) {

        @Override
        public String toString() {
            return "ContainerRequest[" + name + ", " + image + "]";
        }
    }

    record Container(String id, String name, String image, String state, Integer exitCode, String app,
            Map<String, String> labels, OffsetDateTime created, Map<String, String> addresses) {
    }

    @POST
    @Path("/containers")
    Uni<Container> createContainer(ContainerRequest request);

    @GET
    @Path("/containers")
    Uni<List<Container>> containers(@QueryParam("app") String app);

    @GET
    @Path("/containers/{id}")
    Uni<Container> container(@PathParam("id") String id);

    @POST
    @Path("/containers/{id}/{action}")
    Uni<Container> containerAction(@PathParam("id") String id, @PathParam("action") String action);

    @DELETE
    @Path("/containers/{id}")
    Uni<Void> removeContainer(@PathParam("id") String id);

    record EngineContainer(String id, String name, String image, String engine, String state, List<PortMapping> ports,
            Map<String, String> addresses) {
    }

    record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    }

    @GET
    @Path("/containers/engines")
    Uni<List<EngineContainer>> engines();

    @PUT
    @Path("/instances/{id}/container")
    Uni<DedicatedInstance> runInstance(@PathParam("id") UUID id, DedicatedInstanceRequest request);

    @GET
    @Path("/instances/{id}/container")
    Uni<DedicatedInstance> instanceContainer(@PathParam("id") UUID id);

    @POST
    @Path("/instances/{id}/container/{action}")
    Uni<DedicatedInstance> instanceAction(@PathParam("id") UUID id, @PathParam("action") String action);

    @GET
    @Path("/instances/{id}/pool")
    Uni<dev.berth.contracts.provisioning.PoolStats> pool(@PathParam("id") UUID id);

    @GET
    @Path("/instances/{id}/container/stats")
    Uni<InstanceStats> instanceStats(@PathParam("id") UUID id);

    @DELETE
    @Path("/instances/{id}/container")
    Uni<Void> removeInstance(@PathParam("id") UUID id, @QueryParam("keepVolume") boolean keepVolume);
}
