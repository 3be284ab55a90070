package dev.berth.provisioner.instances;

import dev.berth.contracts.events.InstanceHealthy;
import dev.berth.contracts.events.InstanceRemoved;
import dev.berth.contracts.events.InstanceUnhealthy;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.PodmanClient;
import dev.berth.provisioner.podman.PodmanException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The health of dedicated instances. Without systemd Podman runs no health checks by itself, so Berth runs each
 * instance's check: every 250 ms while one starts, and every {@code berth.instances.health-interval} for all of them.
 * A change is recorded with its event ({@code InstanceHealthy}, {@code InstanceUnhealthy}, {@code InstanceRemoved}
 * when the container went away outside Berth); a changed address on the data network is taken over.
 */
@ApplicationScoped
public class InstanceHealth {

    private static final Logger LOG = Logger.getLogger(InstanceHealth.class);
    private static final Duration POLL = Duration.ofMillis(250);

    @Inject
    ContainerRuntime runtime;

    @Inject
    InstanceRecords records;

    @Inject
    InstanceConnections connections;

    /** Waits until the container's check passes; 503 with the check's output and the log's tail when it does not. */
    void awaitHealthy(PodmanClient podman, String container, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PodmanClient.Health last = null;
        while (System.nanoTime() < deadline) {
            last = podman.runHealthCheck(container);
            if (last != null && last.healthy()) {
                return;
            }
            ContainerInfo info = podman.inspect(container);
            if (info == null || !info.running()) {
                throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, container + " stopped while starting"
                        + (info == null || info.exitCode() == null ? "" : " (exit code " + info.exitCode() + ")")
                        + ": " + tail(podman, container));
            }
            sleep(POLL);
        }
        throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, container + " did not pass its health check in "
                + timeout.toSeconds() + " s" + (last == null || last.output().isBlank() ? "" : " (" + last.output()
                + ")") + ": " + tail(podman, container));
    }

    /** The container's address on the data network (what Berth's services connect to). */
    String address(ContainerInfo info) {
        String address = info == null ? null : info.addresses().get(runtime.config().network());
        if (address == null || address.isBlank()) {
            throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "the instance's container has no address on "
                    + runtime.config().network());
        }
        return address;
    }

    /** After a start through Berth: healthy now, at this address. */
    void started(InstanceRecords.Record r, ContainerInfo info) {
        connections.moved(r.instanceId(), address(info)).await().atMost(Duration.ofSeconds(30));
        // Written even when it was healthy before: the watcher may have marked the new start meanwhile.
        records.health(r.instanceId(), "healthy", "healthy".equals(r.health()) ? null
                : new InstanceHealthy(r.instanceId().toString(), r.container()));
    }

    @Scheduled(every = "${berth.instances.health-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkAll() {
        if (!runtime.configured()) {
            return;
        }
        for (InstanceRecords.Record r : records.all()) {
            if (r.onKubernetes()) {
                continue; // KubernetesPodWatcher follows those
            }
            try {
                check(r);
            } catch (PodmanException | ProblemException e) {
                LOG.debugf("health of %s not checked: %s", r.container(), e.getMessage());
            }
        }
    }

    private void check(InstanceRecords.Record r) {
        PodmanClient podman = runtime.client();
        ContainerInfo info = podman.inspect(r.container());
        if (info == null) {
            if (!"missing".equals(r.health())) {
                LOG.warnf("the container of instance %s is gone (removed outside Berth)", r.container());
                records.health(r.instanceId(), "missing", new InstanceRemoved(r.instanceId().toString(),
                        r.container(), podman.volumeExists(r.volume())));
            }
            return;
        }
        if (!info.running()) {
            if (!"stopped".equals(r.health())) {
                records.health(r.instanceId(), "stopped", null); // the watcher announced the stop
            }
            return;
        }
        connections.moved(r.instanceId(), address(info)).await().atMost(Duration.ofSeconds(30));
        PodmanClient.Health now = podman.runHealthCheck(r.container());
        if (now == null || now.status().equals(r.health())) {
            return;
        }
        if (now.healthy()) {
            records.health(r.instanceId(), "healthy", new InstanceHealthy(r.instanceId().toString(), r.container()));
        } else if ("unhealthy".equals(now.status())) {
            LOG.warnf("instance %s is unhealthy: %s", r.container(), now.output());
            records.health(r.instanceId(), "unhealthy", new InstanceUnhealthy(r.instanceId().toString(),
                    r.container(), shorten(now.output())));
        }
    }

    private static String tail(PodmanClient podman, String container) {
        String logs = podman.logs(container, 15).strip();
        return logs.isEmpty() ? "no output" : shorten(logs);
    }

    private static String shorten(String text) {
        return text == null ? "" : text.length() <= 1000 ? text : "…" + text.substring(text.length() - 1000);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "interrupted while waiting for the instance");
        }
    }
}
