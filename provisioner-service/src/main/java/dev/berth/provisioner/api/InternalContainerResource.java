package dev.berth.provisioner.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.containers.AppContainers.Deployment;
import dev.berth.provisioner.containers.AppContainers;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.ContainerSpec.PortMapping;
import dev.berth.provisioner.podman.ContainerStats;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry: app containers on Berth's Podman. Blocking (each call talks to Podman). */
@Path("/internal/containers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class InternalContainerResource {

    /** A container as the registry sees it: never its environment (it holds the database password). */
    public record ContainerView(String id, String name, String image, String state, Integer exitCode, String app,
            Map<String, String> labels, OffsetDateTime created, Map<String, String> addresses) {

        static ContainerView of(ContainerInfo info) {
            return new ContainerView(info.id(), info.name(), info.image(), info.state(), info.exitCode(),
                    info.label(dev.berth.contracts.catalog.ContainerLabels.APP), info.labels(), info.created(),
                    info.addresses());
        }
    }

    public record Port(Integer hostPort, Integer containerPort, String hostIp, String protocol) {
    }

    public record CreateRequest(String name, String image, Map<String, String> env, List<Port> ports, String app,
            String databaseId, Map<String, String> labels, List<String> command) {

        @Override
        public String toString() {
            return "CreateRequest[" + name + ", " + image + "]";
        }
    }

    @Inject
    AppContainers containers;

    @POST
    @Operation(summary = "Create and start an app container on the data network",
            description = "422 when the image is not on this host, 409 on a name or host-port clash; nothing is left "
                    + "behind when it fails.")
    public Response create(CreateRequest request) {
        if (request == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a JSON body with name, image and app is required");
        }
        List<PortMapping> ports = request.ports() == null ? List.of() : request.ports().stream()
                .map(p -> {
                    if (p == null || p.hostPort() == null || p.containerPort() == null) {
                        throw new ProblemException(ProblemType.INVALID_REQUEST,
                                "each port needs hostPort and containerPort");
                    }
                    return new PortMapping(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol());
                }).toList();
        ContainerInfo info = containers.deploy(new Deployment(request.name(), request.image(), request.env(), ports,
                request.app(), request.databaseId(), request.labels(), request.command()));
        return Response.status(Response.Status.CREATED).entity(ContainerView.of(info)).build();
    }

    @GET
    @Operation(summary = "Berth's containers, optionally of one app")
    public List<ContainerView> list(@QueryParam("app") String app) {
        return containers.list(app).stream().map(ContainerView::of).toList();
    }

    @GET
    @Path("/engines")
    @Operation(summary = "Database-engine containers that are not Berth's app containers (adoption candidates)")
    public List<AppContainers.EngineContainer> engines() {
        return containers.engines();
    }

    @GET
    @Path("/{id}")
    public ContainerView get(@PathParam("id") String id) {
        return ContainerView.of(containers.get(id));
    }

    @GET
    @Path("/{id}/stats")
    @Operation(summary = "CPU, memory, network and process count right now; 409 when it is not running")
    public ContainerStats stats(@PathParam("id") String id) {
        ContainerStats stats = containers.stats(id);
        if (stats == null) {
            throw new ProblemException(ProblemType.CONFLICT, "the container " + id + " is not running");
        }
        return stats;
    }

    @POST
    @Path("/{id}/{action: start|stop|restart}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start, stop (timeout berth.containers.stop-timeout) or restart; → its state right after")
    public ContainerView act(@PathParam("id") String id, @PathParam("action") String action) {
        return ContainerView.of(containers.act(id, AppContainers.Action.valueOf(action.toUpperCase(
                java.util.Locale.ROOT))));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Stop and remove the container (204 also when it was already gone)")
    public Response remove(@PathParam("id") String id) {
        containers.remove(id);
        return Response.noContent().build();
    }
}
