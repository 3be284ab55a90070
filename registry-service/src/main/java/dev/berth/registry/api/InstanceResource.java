package dev.berth.registry.api;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.InstanceStats;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.Instance;
import dev.berth.registry.repository.InstanceRepository;
import dev.berth.registry.service.Adoption;
import dev.berth.registry.service.DedicatedInstances;
import dev.berth.registry.service.InstanceCatalog;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Database servers Berth knows: the default one, external servers, and dedicated instances Berth runs. */
@Path("/api/instances")
@Produces(MediaType.APPLICATION_JSON)
public class InstanceResource {

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @Inject
    InstanceRepository instances;

    @Inject
    RegistryConfig config;

    @Inject
    InstanceCatalog catalog;

    @GET
    @Operation(summary = "List instances", description = "Paginated, ordered by name.")
    public Uni<PageView<InstanceView>> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Paging paging = Paging.of(page, size, config.page());
        return instances.count().flatMap(total -> instances.page(paging.index(), paging.size())
                .map(list -> new PageView<>(list.stream().map(this::viewOf).toList(), paging.index(),
                        paging.size(), total)));
    }

    /**
     * Both kinds of {@code POST /api/instances}: with {@code host} an external server to register, without it a
     * dedicated instance to run.
     */
    public record CreateRequest(String name, String engine, String environment, String version, String memoryLimit,
            Double cpuLimit, Boolean exposePort, Integer port, String host, String adminUser, String adminPassword,
            String sslmode, Boolean shared, Integer poolSize, String namespace) {

        @Override
        public String toString() {
            return "CreateRequest[" + name + ", " + (host == null ? engine : "external " + host) + "]";
        }
    }

    /** A new dedicated instance: the catalog's view and, this once, how to reach it as its admin. */
    public record CreatedInstance(InstanceView instance, DedicatedInstance admin, ConnectionInfo connection) {
    }

    /** Where the instance answers: on the data network by name, and on the host when published. */
    public record ConnectionInfo(String host, int port, String hostAddress, Integer hostPort, String adminUser,
            String adminPassword) {

        @Override
        public String toString() {
            return "ConnectionInfo[" + host + ":" + port + "]";
        }
    }

    @Inject
    DedicatedInstances dedicated;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a dedicated instance, or register an external PostgreSQL server",
            description = "Without host: a container {name}-{environment}-{engine} from Berth's image for the engine, "
                    + "with a data volume, on the data network, published on 127.0.0.1 when exposePort (or port) is "
                    + "given; answers 201 when it is healthy, with the generated admin password (shown once). With "
                    + "namespace: a StatefulSet with its Services and Secret in that Kubernetes namespace instead "
                    + "(one the provisioner is configured for; no host port), reached at {container}.{namespace}.svc. "
                    + "With host: the provisioner connects as the admin first; 422 with the reason when it cannot.")
    public Uni<Response> create(CreateRequest r) {
        if (r == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a JSON body is required");
        }
        if (r.host() != null) {
            if (r.engine() != null && !r.engine().equals("postgresql")) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "only PostgreSQL servers can be registered "
                        + "as external instances; run other engines as dedicated instances (without host)");
            }
            return catalog.register(new InstanceCatalog.Registration(r.name(), r.host(), r.port(), r.adminUser(),
                            r.adminPassword(), r.sslmode(), r.shared(), r.poolSize()))
                    .map(id -> Response.created(URI.create("/api/instances/" + id)).entity(Map.of("id", id)).build());
        }
        return dedicated.create(new DedicatedInstances.Request(r.name(), r.engine(), r.environment(), r.version(),
                        r.memoryLimit(), r.cpuLimit(), r.exposePort(), r.port(), r.namespace()), null)
                .flatMap(created -> view(created.id()).map(view -> Response.created(URI.create("/api/instances/"
                        + created.id())).entity(new CreatedInstance(view, created.instance().withoutPassword(),
                        new ConnectionInfo(view.host(), view.port(), view.hostPort() == null ? null : "127.0.0.1",
                                view.hostPort(), created.instance().adminUser(),
                                created.instance().adminPassword()))).build()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One instance")
    public Uni<InstanceView> get(@PathParam("id") UUID id) {
        return view(id);
    }

    @POST
    @Path("/{id}/{action: start|stop|restart|upgrade|replace}")
    @Operation(summary = "Start, stop, restart, upgrade or replace a dedicated instance",
            description = "start, restart and upgrade answer when the health check passes (503 with the reason if it "
                    + "does not); stop when the server has shut down. upgrade runs the instance on the image now "
                    + "configured for its engine, on the same volume (a new major version is refused with 409); "
                    + "if the new container does not become healthy the previous image is put back. replace (PostgreSQL "
                    + "only) moves the instance to a new container and volume while it serves: a streaming standby "
                    + "from the configured image catches up, the old server stops cleanly, the standby is promoted "
                    + "and takes the instance's name; connections are cut once, for about a second (the "
                    + "InstanceReplaced event says how long). A failure before the switch puts the old container "
                    + "back (503 with the reason); other engines get 409. On Kubernetes, restart and upgrade change the "
                    + "pod template and answer when the new pod is ready (a failed upgrade puts the old image back); "
                    + "replace answers 409.")
    public Uni<InstanceView> act(@PathParam("id") UUID id, @PathParam("action") String action) {
        return dedicated.act(id, action).flatMap(v -> view(id));
    }

    @GET
    @Path("/{id}/pool")
    @Operation(summary = "PgBouncer's pools and statistics for an instance",
            description = "SHOW POOLS (clients active/waiting, servers active/idle, longest wait, per database and "
                    + "user) and SHOW STATS (per database), read from PgBouncer's console. 404 where no PgBouncer "
                    + "fronts the instance: a host install puts one in front of the default instance, and so does "
                    + "./berth up with BERTH_POOLER=1; the instance's poolerPort says whether one does.")
    public Uni<dev.berth.contracts.provisioning.PoolStats> pool(@PathParam("id") UUID id) {
        return provisioner.pool(id);
    }

    @GET
    @Path("/{id}/stats")
    @Operation(summary = "A dedicated instance's figures",
            description = "CPU, memory and uptime from Podman (on Kubernetes: from the metrics API when the cluster "
                    + "has metrics-server, and the pod); data size and client connections from the server. What "
                    + "cannot be read is null and unavailable says why.")
    public Uni<InstanceStats> stats(@PathParam("id") UUID id) {
        return dedicated.stats(id);
    }

    Uni<InstanceView> view(UUID id) {
        return instances.find(id).map(found -> viewOf(found.orElseThrow(
                () -> new ProblemException(ProblemType.NOT_FOUND, "no instance " + id))));
    }

    private InstanceView viewOf(Instance i) {
        return InstanceView.of(i, DefaultInstance.ID.equals(i.id()) ? config.pooler().port().orElse(null) : null);
    }

    @Inject
    Adoption adoption;

    @GET
    @Path("/detect")
    @Operation(summary = "Database containers on Berth's Podman that are not instances yet",
            description = "Found by image name (postgres, mariadb, mysql, redis, mongo), with where Berth would "
                    + "connect and whether they can be adopted.")
    public Uni<List<Adoption.Candidate>> detect() {
        return adoption.detect();
    }

    @POST
    @Path("/adopt/{containerId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adopt a database container as an instance",
            description = "Connects with the given admin credentials first; 422 with the reason when they do not "
                    + "work, 501 for engines without a driver yet. 201 with the instance as GET shows it.")
    public Uni<Response> adopt(@PathParam("containerId") String containerId,
            Adoption.AdoptRequest request) {
        return adoption.adopt(containerId, request).flatMap(id -> view(id).map(instance -> Response
                .created(URI.create("/api/instances/" + id)).entity(instance).build()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove an instance",
            description = "A dedicated instance: refused (409) while live apps use databases on it unless force=true; "
                    + "its container goes, and its data volume unless keepVolume=true. An external one: only when no "
                    + "app databases are left on it.")
    public Uni<Response> remove(@PathParam("id") UUID id, @QueryParam("keepVolume") @DefaultValue("false")
            boolean keepVolume, @QueryParam("force") @DefaultValue("false") boolean force) {
        return view(id).flatMap(i -> i.dedicated() ? dedicated.remove(id, keepVolume, force) : catalog.remove(id))
                .map(v -> Response.noContent().build());
    }
}
