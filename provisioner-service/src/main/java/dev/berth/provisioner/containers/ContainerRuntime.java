package dev.berth.provisioner.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.config.ContainersConfig;
import dev.berth.provisioner.podman.PodmanClient;
import dev.berth.provisioner.podman.PodmanException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The Podman service Berth runs containers on ({@code berth.containers.socket}), and its data network, created on
 * first use. Without a socket configured every container call answers 503 saying so.
 */
@ApplicationScoped
public class ContainerRuntime {

    private static final Logger LOG = Logger.getLogger(ContainerRuntime.class);

    @Inject
    ContainersConfig config;

    @Inject
    ObjectMapper json;

    private volatile PodmanClient client;
    private volatile boolean networkReady;

    public boolean configured() {
        return config.socket().filter(s -> !s.isBlank()).isPresent();
    }

    public ContainersConfig config() {
        return config;
    }

    /** The client, or 503 when no Podman socket is configured. */
    public PodmanClient client() {
        PodmanClient current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (client == null) {
                if (!configured()) {
                    throw new ProblemException(ProblemType.RUNTIME_UNAVAILABLE, "no Podman socket is configured: set "
                            + "berth.containers.socket (BERTH_PODMAN_SOCKET) to the socket of `podman system service`");
                }
                client = new PodmanClient(Path.of(config.socket().orElseThrow()), json);
            }
            return client;
        }
    }

    /** The data network, created with Berth's subnet if it does not exist. */
    public void ensureNetwork() {
        if (networkReady) {
            return;
        }
        PodmanClient podman = client();
        try {
            if (!podman.networkExists(config.network())) {
                podman.createNetwork(config.network(), config.subnet(), Map.of("berth.owner", config.owner()));
                LOG.infof("created the container network %s (%s)", config.network(), config.subnet());
            } else if (!podman.networkDns(config.network())) {
                LOG.warnf("the container network %s has DNS off: apps cannot reach dedicated instances by name. "
                        + "Recreate it with DNS (podman network rm %s; podman network create --subnet %s %s) once no "
                        + "container uses it", config.network(), config.network(), config.subnet(), config.network());
            }
            networkReady = true;
        } catch (PodmanException e) {
            if (e.conflict()) {
                networkReady = true; // created concurrently
                return;
            }
            throw unavailable(e);
        }
    }

    /** Runs one Podman call, its failure turned into the problem a caller should see ({@link #unavailable}). */
    public static <T> T call(java.util.function.Supplier<T> podmanCall) {
        try {
            return podmanCall.get();
        } catch (PodmanException e) {
            throw unavailable(e);
        }
    }

    public static void run(Runnable podmanCall) {
        call(() -> {
            podmanCall.run();
            return null;
        });
    }

    /** A Podman failure as the problem a caller should see: unreachable → 503, else its own message. */
    public static ProblemException unavailable(PodmanException e) {
        if (e.unreachable() || e.status() >= 500) {
            return new ProblemException(ProblemType.RUNTIME_UNAVAILABLE, "Podman failed: " + e.getMessage());
        }
        return new ProblemException(ProblemType.INVALID_REQUEST, "Podman refused: " + e.getMessage());
    }

    @PreDestroy
    void close() {
        PodmanClient current = client;
        if (current != null) {
            current.close();
        }
    }
}
