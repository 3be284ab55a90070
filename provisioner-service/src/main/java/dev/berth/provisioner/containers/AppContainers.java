package dev.berth.provisioner.containers;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.ContainerSpec.PortMapping;
import dev.berth.provisioner.podman.ContainerSpec;
import dev.berth.provisioner.podman.ContainerStats;
import dev.berth.provisioner.podman.PodmanClient;
import dev.berth.provisioner.podman.PodmanException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * App containers on Berth's Podman: checked before anything is made (name, image on this host, env names, host
 * ports free), created on the data network with Berth's labels and started; a container that cannot start is
 * removed again, so a refused deploy leaves nothing behind. Calls block (Podman).
 */
@ApplicationScoped
public class AppContainers {

    private static final Logger LOG = Logger.getLogger(AppContainers.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** What to run. {@code env} may hold the database password: it is never logged or echoed. */
    public record Deployment(String name, String image, Map<String, String> env, List<PortMapping> ports, String app,
            String databaseId, Map<String, String> labels, List<String> command) {

        @Override
        public String toString() {
            return "Deployment[" + name + ", " + image + ", app=" + app + ", env=" + (env == null ? 0 : env.size())
                    + " variables]";
        }
    }

    @Inject
    ContainerRuntime runtime;

    @Inject
    StopRequests stopRequests;

    /** Validates, creates on the data network and starts; returns the running container. */
    public ContainerInfo deploy(Deployment deployment) {
        validate(deployment);
        PodmanClient podman = runtime.client();
        try {
            if (!podman.imageExists(deployment.image())) {
                throw new ProblemException(ProblemType.IMAGE_MISSING, "the image " + deployment.image()
                        + " is not on this host (no registry is used): build it, e.g. deploy/images/build.sh, or "
                        + "load it with podman load");
            }
            if (podman.inspect(deployment.name()) != null) {
                throw new ProblemException(ProblemType.CONFLICT, "a container named " + deployment.name()
                        + " exists already");
            }
            runtime.ensureNetwork();
            String id = podman.create(spec(deployment));
            try {
                podman.start(id);
            } catch (PodmanException e) {
                podman.remove(id, Duration.ZERO);
                if (e.getMessage() != null && e.getMessage().contains("address already in use")) {
                    throw new ProblemException(ProblemType.PORT_IN_USE, "a host port of " + deployment.name()
                            + " is taken: " + portsOf(deployment));
                }
                throw ContainerRuntime.unavailable(e);
            }
            LOG.infof("started container %s (%s) for app %s", deployment.name(), shortId(id), deployment.app());
            return podman.inspect(id);
        } catch (PodmanException e) {
            if (e.conflict()) {
                throw new ProblemException(ProblemType.CONFLICT, "a container named " + deployment.name()
                        + " exists already");
            }
            throw ContainerRuntime.unavailable(e);
        }
    }

    /** A database-engine container on this Podman that is not one of Berth's app containers. */
    public record EngineContainer(String id, String name, String image, String engine, String state,
            List<PortMapping> ports, Map<String, String> addresses) {
    }

    /**
     * Running or stopped containers whose image names a database engine (postgres, mariadb, mysql, redis, mongo):
     * candidates for adoption as instances.
     */
    public List<EngineContainer> engines() {
        List<EngineContainer> found = new ArrayList<>();
        for (ContainerInfo c : ContainerRuntime.call(() -> runtime.client().list(List.of()))) {
            String engine = engineOf(c.image());
            if (engine == null || c.label(ContainerLabels.APP) != null || c.label(ContainerLabels.INSTANCE) != null) {
                continue;
            }
            ContainerInfo inspected = ContainerRuntime.call(() -> runtime.client().inspect(c.id()));
            if (inspected != null) {
                found.add(new EngineContainer(c.id(), c.name(), c.image(), engine, inspected.state(),
                        inspected.ports(), inspected.addresses()));
            }
        }
        return found;
    }

    static String engineOf(String image) {
        if (image == null) {
            return null;
        }
        String base = image.substring(image.lastIndexOf('/') + 1).replaceAll("[:@].*$", "");
        if (base.startsWith("postgres")) {
            return "postgresql";
        }
        for (String engine : List.of("mariadb", "mysql", "redis")) {
            if (base.startsWith(engine)) {
                return engine;
            }
        }
        return base.startsWith("mongo") ? "mongodb" : null;
    }

    /** Berth's containers, optionally of one app. */
    public List<ContainerInfo> list(String app) {
        List<String> filters = new ArrayList<>(List.of(ContainerLabels.OWNER + "=" + owner()));
        if (app != null && !app.isBlank()) {
            filters.add(ContainerLabels.APP + "=" + app);
        }
        return ContainerRuntime.call(() -> runtime.client().list(filters));
    }

    /** One of Berth's containers; 404 when Podman does not know it or it is not Berth's. */
    public ContainerInfo get(String idOrName) {
        ContainerInfo info = owned(idOrName);
        if (info == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no container " + idOrName + " managed by Berth");
        }
        return info;
    }

    /** The container if it exists and is Berth's (label {@code berth.owner}), else null. */
    private ContainerInfo owned(String idOrName) {
        ContainerInfo info = ContainerRuntime.call(() -> runtime.client().inspect(idOrName));
        return info != null && owner().equals(info.label(ContainerLabels.OWNER)) ? info : null;
    }

    /** What can be done to a container that exists. */
    public enum Action { START, STOP, RESTART }

    /** Starts, stops or restarts one of Berth's containers; returns its state right after. */
    public ContainerInfo act(String idOrName, Action action) {
        String id = get(idOrName).id();
        if (action != Action.START) {
            stopRequests.note(id);
        }
        ContainerRuntime.call(() -> {
            switch (action) {
                case START -> runtime.client().start(id);
                case STOP -> runtime.client().stop(id, runtime.config().stopTimeout());
                case RESTART -> runtime.client().restart(id, runtime.config().stopTimeout());
            }
            return null;
        });
        return get(id);
    }

    /** Stops and removes the container; true when there was one. */
    public boolean remove(String idOrName) {
        ContainerInfo info = owned(idOrName);
        if (info == null) {
            return false;
        }
        if (info.running()) {
            stopRequests.note(info.id());
        }
        ContainerRuntime.call(() -> {
            runtime.client().remove(info.id(), runtime.config().stopTimeout());
            return null;
        });
        return true;
    }

    public ContainerStats stats(String idOrName) {
        String id = get(idOrName).id();
        return ContainerRuntime.call(() -> runtime.client().stats(id));
    }

    private String owner() {
        return runtime.config().owner();
    }

    private ContainerSpec spec(Deployment d) {
        Map<String, String> labels = new HashMap<>(d.labels() == null ? Map.of() : d.labels());
        labels.put(ContainerLabels.OWNER, owner());
        labels.put(ContainerLabels.APP, d.app());
        if (d.databaseId() != null) {
            labels.put(ContainerLabels.DATABASE, d.databaseId());
        }
        return new ContainerSpec(d.name(), d.image(), d.env(), labels, d.ports(), runtime.config().network(),
                List.of(d.app()), d.command(), List.of());
    }

    private static void validate(Deployment d) {
        if (d == null || d.name() == null || !NAME.matcher(d.name()).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME, "a container name has 1–63 characters: letters, "
                    + "digits, '_', '.', '-', starting with a letter or digit");
        }
        if (d.image() == null || d.image().isBlank() || d.image().chars().anyMatch(Character::isWhitespace)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "image is required (e.g. localhost/shop:1)");
        }
        if (d.app() == null || d.app().isBlank()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "app is required");
        }
        if (d.env() != null) {
            for (String name : d.env().keySet()) {
                if (!ENV_NAME.matcher(name).matches()) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, "'" + name + "' is not an environment "
                            + "variable name (letters, digits and '_', not starting with a digit)");
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (PortMapping port : d.ports() == null ? List.<PortMapping>of() : d.ports()) {
            if (port.hostPort() < 1 || port.hostPort() > 65535 || port.containerPort() < 1
                    || port.containerPort() > 65535) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "ports are 1–65535: " + port.hostPort() + ":"
                        + port.containerPort());
            }
            String protocol = port.protocol() == null ? "tcp" : port.protocol();
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "protocol is tcp or udp");
            }
            if (!seen.add(host(port) + ":" + port.hostPort() + "/" + protocol)) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "host port " + port.hostPort()
                        + " is given twice");
            }
            if (protocol.equals("tcp") && !HostPorts.free(host(port), port.hostPort())) {
                throw new ProblemException(ProblemType.PORT_IN_USE, "host port " + host(port) + ":" + port.hostPort()
                        + " is taken by another process or container");
            }
        }
    }

    private static String host(PortMapping port) {
        return port.hostIp() == null || port.hostIp().isBlank() ? "127.0.0.1" : port.hostIp();
    }

    private static String portsOf(Deployment d) {
        return d.ports() == null ? "" : d.ports().stream().map(p -> host(p) + ":" + p.hostPort()).toList().toString();
    }

    static String shortId(String id) {
        return id == null || id.length() < 12 ? id : id.substring(0, 12);
    }
}
