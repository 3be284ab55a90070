package dev.berth.provisioner.api;

import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.contracts.provisioning.InstanceStats;
import dev.berth.provisioner.instances.InstanceContainers;
import dev.berth.provisioner.instances.InstanceLifecycle;
import dev.berth.provisioner.instances.InstanceSwitchover;
import dev.berth.provisioner.instances.InstanceRecords;
import dev.berth.provisioner.instances.KubernetesInstances;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry: the container of a dedicated instance. Blocking (Podman, and waiting for health). */
@Path("/internal/instances/{id}/container")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class InternalDedicatedInstanceResource {

    @Inject
    InstanceContainers containers;

    @Inject
    InstanceLifecycle lifecycle;

    @Inject
    InstanceSwitchover switchover;

    @Inject
    KubernetesInstances kubernetes;

    @Inject
    InstanceRecords records;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a dedicated instance",
            description = "Secret, volume and container, started and healthy; the admin password is in this answer "
                    + "only. A failure removes what was made. With namespace: a StatefulSet on Kubernetes instead.")
    public DedicatedInstance create(@PathParam("id") UUID id, DedicatedInstanceRequest request) {
        return request != null && request.namespace() != null ? kubernetes.create(id, request)
                : containers.create(id, request);
    }

    @GET
    @Operation(summary = "The instance's container as Podman reports it, and its health")
    public DedicatedInstance get(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.view(r) : lifecycle.get(id);
    }

    @POST
    @Path("/start")
    @Operation(summary = "Start and wait until healthy")
    public DedicatedInstance start(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.scale(r, true) : lifecycle.start(id);
    }

    @POST
    @Path("/stop")
    @Operation(summary = "Stop cleanly (killed after berth.instances.stop-timeout)")
    public DedicatedInstance stop(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.scale(r, false) : lifecycle.stop(id);
    }

    @POST
    @Path("/restart")
    @Operation(summary = "Restart and wait until healthy")
    public DedicatedInstance restart(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.restart(r) : lifecycle.restart(id);
    }

    @POST
    @Path("/upgrade")
    @Operation(summary = "Run on the image now configured for the engine (same major version), keeping the volume",
            description = "The previous image is put back when the new container does not become healthy.")
    public DedicatedInstance upgrade(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.upgrade(r) : containers.upgrade(id);
    }

    @POST
    @Path("/replace")
    @Operation(summary = "Move a PostgreSQL instance to a new container and volume while it serves",
            description = "A streaming standby from the configured image catches up, the old server stops cleanly, "
                    + "the standby is promoted and takes the instance's name and alias; the old container and volume "
                    + "are removed. Any failure before the name moved puts the old container back.")
    public DedicatedInstance replace(@PathParam("id") UUID id) {
        if (records.require(id).onKubernetes()) {
            throw new ProblemException(ProblemType.CONFLICT, "replace moves a Podman container to a new container and "
                    + "volume; on Kubernetes the StatefulSet replaces the pod on its claim (restart or upgrade), and "
                    + "moving the data to other storage is the storage class's or a backup and restore's job");
        }
        return switchover.replace(id);
    }

    @GET
    @Path("/stats")
    @Operation(summary = "CPU, memory and uptime from Podman (on Kubernetes: the metrics API and the pod); data size "
            + "and connections from the engine")
    public InstanceStats stats(@PathParam("id") UUID id) {
        InstanceRecords.Record r = records.require(id);
        return r.onKubernetes() ? kubernetes.stats(r) : lifecycle.stats(id);
    }

    @DELETE
    @Operation(summary = "Remove the container and its secret, and the volume unless keepVolume")
    public void remove(@PathParam("id") UUID id, @QueryParam("keepVolume") @DefaultValue("false") boolean keepVolume) {
        InstanceRecords.Record r = records.require(id);
        if (r.onKubernetes()) {
            kubernetes.remove(r, keepVolume);
        } else {
            containers.remove(id, keepVolume);
        }
    }
}
