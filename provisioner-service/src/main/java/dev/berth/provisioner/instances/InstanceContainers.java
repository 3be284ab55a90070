package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.events.InstanceCreated;
import dev.berth.contracts.events.InstanceRemoved;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.outbox.quarkus.FaultPoints;
import dev.berth.provisioner.config.InstancesConfig;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.containers.HostPorts;
import dev.berth.provisioner.containers.StopRequests;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.ContainerSpec;
import dev.berth.provisioner.podman.PodmanClient;
import dev.berth.provisioner.podman.PodmanException;
import dev.berth.provisioner.service.Passwords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Makes and removes dedicated instances on Berth's Podman: a secret with the generated admin password, a named
 * volume, the container on the data network (its name as alias), started and awaited until its health check passes,
 * then recorded with its {@code InstanceCreated} event. Each step that succeeded is undone, in reverse, when a
 * later one fails, so a refused or failed create leaves nothing. Blocking.
 */
@ApplicationScoped
public class InstanceContainers {

    private static final Logger LOG = Logger.getLogger(InstanceContainers.class);
    private static final Pattern CONTAINER = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final String SECRET_PATH = "/run/secrets/berth-admin-password";

    @Inject
    ContainerRuntime runtime;

    @Inject
    EngineDrivers drivers;

    @Inject
    InstanceRecords records;

    @Inject
    InstanceHealth health;

    @Inject
    StopRequests stopRequests;

    @Inject
    InstancesConfig config;

    @Inject
    InstanceLifecycle lifecycle;

    @Inject
    FaultPoints faults;

    public DedicatedInstance create(UUID id, DedicatedInstanceRequest request) {
        validate(request);
        EngineDriver driver = drivers.of(request.engine());
        InstancesConfig.Image image = image(request);
        PodmanClient podman = runtime.client();
        String container = request.container();
        String volume = container + "-data";
        String secret = runtime.config().owner() + "-" + container + "-admin";
        refuseWhatExists(podman, image.image(), container, volume, request.hostPort());
        runtime.ensureNetwork();
        long started = System.nanoTime();
        String password = Passwords.generate();
        Deque<Runnable> undo = new ArrayDeque<>();
        try {
            podman.createSecret(secret, password.getBytes(StandardCharsets.UTF_8));
            undo.push(() -> podman.removeSecret(secret));
            Map<String, String> labels = labels(id, request.engine());
            createVolume(podman, volume, labels);
            undo.push(() -> podman.removeVolume(volume));
            String containerId = createContainer(podman, spec(request, driver, image.image(), volume, secret, labels));
            undo.push(() -> podman.remove(containerId, Duration.ZERO));
            start(podman, containerId, request);
            faults.reachBlocking("instance.started");
            health.awaitHealthy(podman, container, config.readyTimeout());
            String address = health.address(podman.inspect(containerId));
            InstanceEndpoint endpoint = new InstanceEndpoint(id, address, request.engine().port(), driver.adminUser(),
                    "prefer");
            driver.checkAdmin(endpoint, password).await().atMost(Duration.ofSeconds(30)); // the admin login works
            records.created(new InstanceRecords.Record(id, request.name(), request.environment(), request.engine(),
                            container, containerId, image.image(), image.version(), volume, secret, request.hostPort(),
                            request.memoryBytes(), request.cpus(), "healthy"), endpoint, password,
                    new InstanceCreated(id.toString(), request.name(), request.engine().wire(), container,
                            request.hostPort()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.infof("instance %s (%s) healthy in %d ms", container, request.engine().wire(), millis);
            return new DedicatedInstance(id.toString(), request.engine(), container, containerId, image.image(),
                    image.version(), volume, address, request.engine().port(), request.hostPort(), driver.adminUser(),
                    password, "running", "healthy", millis);
        } catch (RuntimeException e) {
            LOG.warnf("instance %s was not created (%s); removing what was made", container, e.getMessage());
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException cleanup) {
                    LOG.errorf("could not undo a step of creating %s: %s", container, cleanup.getMessage());
                }
            }
            if (e instanceof PodmanException podmanFailure) {
                throw ContainerRuntime.unavailable(podmanFailure);
            }
            throw e;
        }
    }

    /** Removes the container and its secret, and the volume unless {@code keepVolume}; then forgets the instance. */
    public void remove(UUID id, boolean keepVolume) {
        InstanceRecords.Record r = records.require(id);
        PodmanClient podman = runtime.client();
        try {
            stopRequests.note(r.containerId());
            podman.remove(r.container(), config.stopTimeout());
            if (!keepVolume) {
                podman.removeVolume(r.volume());
            }
            podman.removeSecret(r.secret());
        } catch (PodmanException e) {
            throw ContainerRuntime.unavailable(e);
        }
        records.removed(id, new InstanceRemoved(id.toString(), r.container(), keepVolume));
        LOG.infof("instance %s removed (%s)", r.container(), keepVolume ? "volume " + r.volume() + " kept"
                : "with its volume");
    }

    /**
     * Runs the instance on the image now configured for its engine (a rebuilt image, a new minor version), on the same
     * volume, secret, port and limits; a new major version is refused (that needs a dump and a restore). When the new
     * container does not become healthy, the previous image is put back.
     */
    public DedicatedInstance upgrade(UUID id) {
        InstanceRecords.Record r = records.require(id);
        InstancesConfig.Image image = drivers.image(r.engine());
        refuseAnotherMajor(r, image);
        PodmanClient podman = runtime.client();
        if (!podman.imageExists(image.image())) {
            throw new ProblemException(ProblemType.IMAGE_MISSING, "the image " + image.image() + " is not on this host");
        }
        try {
            String replaced = replace(podman, r, image.image());
            records.replaced(id, replaced, image.image(), image.version());
            LOG.infof("instance %s upgraded to %s", r.container(), image.image());
        } catch (RuntimeException failed) {
            LOG.warnf("upgrade of %s failed (%s); back to %s", r.container(), failed.getMessage(), r.image());
            try {
                replace(podman, r, r.image());
            } catch (RuntimeException alsoFailed) {
                throw upgradeFailed(r, failed, alsoFailed, "volume");
            }
            throw upgradeFailed(r, failed, null, "volume");
        }
        return lifecycle.get(id);
    }

    /** A new major version needs a dump and a restore, on Podman and on Kubernetes alike: refused, nothing changed. */
    static void refuseAnotherMajor(InstanceRecords.Record r, InstancesConfig.Image image) {
        if (!sameMajor(image.version(), r.version())) {
            throw new ProblemException(ProblemType.CONFLICT, r.container() + " runs " + r.engine().wire() + " "
                    + r.version() + "; the configured image has " + image.version() + ": a major upgrade needs a "
                    + "backup and a restore into a new instance");
        }
    }

    /**
     * What a failed upgrade answers: it runs the previous image again, or — when going back failed too — both reasons;
     * the data ({@code storage}: "volume" or "claim") is never touched.
     */
    static ProblemException upgradeFailed(InstanceRecords.Record r, RuntimeException failed,
            RuntimeException alsoFailed, String storage) {
        return new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, alsoFailed == null
                ? "the upgrade of " + r.container() + " failed, so it runs " + r.image() + " again: " + failed.getMessage()
                : "the upgrade of " + r.container() + " failed (" + failed.getMessage() + ") and so did going back to "
                        + r.image() + " (" + alsoFailed.getMessage() + "); its " + storage + " " + r.volume()
                        + " is untouched");
    }

    /** Stops and removes the container (the volume stays) and runs a new one from {@code image}; returns its id. */
    private String replace(PodmanClient podman, InstanceRecords.Record r, String image) {
        EngineDriver driver = drivers.of(r.engine());
        stopRequests.note(r.containerId());
        podman.remove(r.container(), config.stopTimeout());
        DedicatedInstanceRequest request = new DedicatedInstanceRequest(r.name(), r.environment(), r.engine(),
                r.container(), r.version(), r.memoryBytes(), r.cpus(), r.hostPort());
        String containerId = createContainer(podman, spec(request, driver, image, r.volume(), r.secret(),
                labels(r.instanceId(), r.engine())));
        start(podman, containerId, request);
        health.awaitHealthy(podman, r.container(), config.readyTimeout());
        health.started(r, podman.inspect(containerId));
        return containerId;
    }

    private void start(PodmanClient podman, String containerId, DedicatedInstanceRequest request) {
        try {
            podman.start(containerId);
        } catch (PodmanException e) {
            if (e.getMessage() != null && e.getMessage().contains("address already in use")) {
                throw new ProblemException(ProblemType.PORT_IN_USE, "host port 127.0.0.1:" + request.hostPort()
                        + " was taken while the instance was being made");
            }
            throw e;
        }
    }

    private ContainerSpec spec(DedicatedInstanceRequest r, EngineDriver driver, String image, String volume,
            String secret, Map<String, String> labels) {
        return spec(r.container(), List.of(r.container()), r.hostPort(), driver.env(SECRET_PATH, r.memoryBytes()),
                r.engine(), image, volume, secret, labels, r.memoryBytes(), r.cpus());
    }

    /**
     * Another container of a recorded instance (its standby, or the one that takes over from it): the instance's
     * secret, limits and labels, with this name, aliases, host port, environment, image and volume.
     */
    ContainerSpec spec(String name, List<String> aliases, Integer hostPort, Map<String, String> env, String image,
            String volume, InstanceRecords.Record r) {
        return spec(name, aliases, hostPort, env, r.engine(), image, volume, r.secret(), labels(r.instanceId(),
                r.engine()), r.memoryBytes(), r.cpus());
    }

    private ContainerSpec spec(String name, List<String> aliases, Integer hostPort, Map<String, String> env,
            Engine engine, String image, String volume, String secret, Map<String, String> labels, Long memoryBytes,
            Double cpus) {
        EngineDriver driver = drivers.of(engine);
        List<ContainerSpec.PortMapping> ports = hostPort == null ? List.of()
                : List.of(new ContainerSpec.PortMapping("127.0.0.1", hostPort, engine.port(), "tcp"));
        return new ContainerSpec(name, image, env, labels, ports, runtime.config().network(), aliases, List.of(),
                List.of(new ContainerSpec.VolumeMount(volume, driver.dataPath())),
                List.of(new ContainerSpec.SecretMount(secret, SECRET_PATH)),
                new ContainerSpec.Resources(memoryBytes, cpus),
                new ContainerSpec.HealthCheck(driver.healthTest(), config.healthInterval(), Duration.ofSeconds(5),
                        config.readyTimeout(), 3));
    }

    Map<String, String> labels(UUID id, Engine engine) {
        return Map.of(ContainerLabels.OWNER, runtime.config().owner(), ContainerLabels.INSTANCE, id.toString(),
                ContainerLabels.ENGINE, engine.wire());
    }

    private InstancesConfig.Image image(DedicatedInstanceRequest request) {
        InstancesConfig.Image image = drivers.image(request.engine());
        String wanted = request.version();
        if (wanted != null && !wanted.isBlank() && !sameMajor(wanted, image.version())) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "this host runs " + request.engine().wire() + " "
                    + image.version() + " (" + image.image() + "); version " + wanted + " is not available");
        }
        return image;
    }

    /** The versions agree as far as both go: "15" matches "15.4", "10.11" matches "10.11.6" but not "11.4". */
    static boolean sameMajor(String wanted, String have) {
        String[] w = wanted.strip().split("\\.");
        String[] h = have.strip().split("\\.");
        for (int i = 0; i < Math.min(w.length, h.length); i++) {
            if (!w[i].equals(h[i])) {
                return false;
            }
        }
        return true;
    }

    /** What can be checked before anything is made (a taken name or volume shows when it is made, see below). */
    private static void refuseWhatExists(PodmanClient podman, String image, String container, String volume,
            Integer hostPort) {
        if (!podman.imageExists(image)) {
            throw new ProblemException(ProblemType.IMAGE_MISSING, "the image " + image + " is not on this host (no "
                    + "registry is used): deploy/images/build.sh builds Berth's, or load one with podman load");
        }
        if (hostPort != null && !HostPorts.free("127.0.0.1", hostPort)) {
            throw new ProblemException(ProblemType.PORT_IN_USE, "host port 127.0.0.1:" + hostPort
                    + " is taken by another process or container");
        }
    }

    /** A volume of that name is left from an earlier instance: it is the user's data, so it is never reused. */
    private static void createVolume(PodmanClient podman, String volume, Map<String, String> labels) {
        try {
            podman.createVolume(volume, labels);
        } catch (PodmanException e) {
            if (e.conflict() || said(e, "already exists")) { // Podman 4.3 answers 500 with that cause
                throw new ProblemException(ProblemType.CONFLICT, "the volume " + volume + " is left from an earlier "
                        + "instance of that name: remove it (podman volume rm " + volume + ") or choose another name");
            }
            throw e;
        }
    }

    private static String createContainer(PodmanClient podman, ContainerSpec spec) {
        try {
            return podman.create(spec);
        } catch (PodmanException e) {
            if (e.conflict() || said(e, "already in use")) {
                throw new ProblemException(ProblemType.CONFLICT, "a container named " + spec.name() + " exists already");
            }
            throw e;
        }
    }

    private static boolean said(PodmanException e, String words) {
        return e.getMessage() != null && e.getMessage().contains(words);
    }

    private static void validate(DedicatedInstanceRequest r) {
        if (r == null || r.engine() == null || r.container() == null || !CONTAINER.matcher(r.container()).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "engine and container (lower-case letters, digits "
                    + "and '-') are required");
        }
        if (r.hostPort() != null && (r.hostPort() < 1024 || r.hostPort() > 65535)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "hostPort must be between 1024 and 65535");
        }
    }
}
