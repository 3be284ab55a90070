package dev.berth.provisioner.instances;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.InstanceStats;
import dev.berth.provisioner.config.InstancesConfig;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.containers.StopRequests;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.ContainerStats;
import dev.berth.provisioner.podman.PodmanClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Start, stop, restart, figures and the view of a dedicated instance. Blocking. */
@ApplicationScoped
public class InstanceLifecycle {

    private static final Logger LOG = Logger.getLogger(InstanceLifecycle.class);

    @Inject
    ContainerRuntime runtime;

    @Inject
    InstanceRecords records;

    @Inject
    InstanceHealth health;

    @Inject
    InstanceConnections connections;

    @Inject
    EngineDrivers drivers;

    @Inject
    StopRequests stopRequests;

    @Inject
    InstancesConfig config;

    public DedicatedInstance start(UUID id) {
        InstanceRecords.Record r = records.require(id);
        PodmanClient podman = runtime.client();
        ContainerInfo info = inspect(podman, r);
        if (!info.running()) {
            ContainerRuntime.run(() -> podman.start(r.container()));
        }
        return awaitAndView(podman, r);
    }

    public DedicatedInstance stop(UUID id) {
        InstanceRecords.Record r = records.require(id);
        PodmanClient podman = runtime.client();
        ContainerInfo info = inspect(podman, r);
        if (info.running()) {
            stopRequests.note(info.id());
            ContainerRuntime.run(() -> podman.stop(r.container(), config.stopTimeout()));
        }
        records.health(id, "stopped", null);
        return view(records.require(id), inspect(podman, r));
    }

    public DedicatedInstance restart(UUID id) {
        InstanceRecords.Record r = records.require(id);
        PodmanClient podman = runtime.client();
        ContainerInfo info = inspect(podman, r);
        stopRequests.note(info.id());
        ContainerRuntime.run(() -> podman.restart(r.container(), config.stopTimeout()));
        records.health(id, "starting", null);
        return awaitAndView(podman, records.require(id));
    }

    public DedicatedInstance get(UUID id) {
        InstanceRecords.Record r = records.require(id);
        return view(r, runtime.client().inspect(r.container()));
    }

    /** Podman's figures of the container and the engine's own; a part that cannot be read is left out and said. */
    public InstanceStats stats(UUID id) {
        InstanceRecords.Record r = records.require(id);
        PodmanClient podman = runtime.client();
        ContainerInfo info = inspect(podman, r);
        if (!info.running()) {
            return new InstanceStats(info.state(), r.health(), null, null, null, null, null, null, null,
                    "the instance is " + info.state());
        }
        ContainerStats sample = ContainerRuntime.call(() -> podman.stats(r.container()));
        OffsetDateTime startedAt = info.startedAt();
        Long uptime = startedAt == null ? null : Duration.between(startedAt, OffsetDateTime.now()).toSeconds();
        EngineReading engine = engineFigures(r);
        return new InstanceStats(info.state(), r.health(), sample == null ? null : sample.cpuPercent(),
                sample == null ? null : sample.memoryUsageBytes(), sample == null ? null : sample.memoryLimitBytes(),
                startedAt, uptime, engine.sizeBytes(), engine.connections(), engine.unavailable());
    }

    /** The engine's own figures, wherever the instance runs; when they cannot be read, nulls and why. */
    EngineReading engineFigures(InstanceRecords.Record r) {
        try {
            InstanceEndpoint endpoint = connections.endpointOf(r.instanceId()).await().atMost(Duration.ofSeconds(10));
            String password = connections.adminPassword(r.instanceId()).await().atMost(Duration.ofSeconds(10));
            EngineDriver.EngineFigures figures = drivers.of(r.engine()).figures(endpoint, password)
                    .await().atMost(Duration.ofSeconds(15));
            return new EngineReading(figures.sizeBytes(), figures.connections(), null);
        } catch (RuntimeException e) {
            LOG.debugf("figures of %s: %s", r.container(), e.getMessage());
            return new EngineReading(null, null, "the server's own figures could not be read: " + e.getMessage());
        }
    }

    /** Data size and client connections as the engine counts them; {@code unavailable} says why they are null. */
    record EngineReading(Long sizeBytes, Integer connections, String unavailable) {
    }

    private DedicatedInstance awaitAndView(PodmanClient podman, InstanceRecords.Record r) {
        try {
            health.awaitHealthy(podman, r.container(), config.readyTimeout());
        } catch (ProblemException notHealthy) {
            records.health(r.instanceId(), "unhealthy", null);
            throw notHealthy;
        }
        ContainerInfo info = inspect(podman, r);
        health.started(r, info);
        return view(records.require(r.instanceId()), info, "healthy"); // just checked, whatever raced the row
    }

    private DedicatedInstance view(InstanceRecords.Record r, ContainerInfo info) {
        return view(r, info, r.health());
    }

    private DedicatedInstance view(InstanceRecords.Record r, ContainerInfo info, String health) {
        String address = info == null ? null : info.addresses().get(runtime.config().network());
        return new DedicatedInstance(r.instanceId().toString(), r.engine(), r.container(), r.containerId(), r.image(),
                r.version(), r.volume(), address, r.engine().port(), r.hostPort(), drivers.of(r.engine()).adminUser(),
                null, info == null ? "missing" : info.state(), health, null);
    }

    private static ContainerInfo inspect(PodmanClient podman, InstanceRecords.Record r) {
        ContainerInfo info = ContainerRuntime.call(() -> podman.inspect(r.container()));
        if (info == null) {
            throw new ProblemException(ProblemType.CONFLICT, "the container " + r.container() + " of this instance is "
                    + "gone (removed outside Berth); delete the instance, keeping its volume " + r.volume()
                    + " if you want its data");
        }
        return info;
    }
}
