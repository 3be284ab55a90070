package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.PodmanClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A dedicated instance is recorded only once its container is healthy and its admin login works; until then its
 * secret, volume and container exist on Podman alone, and a create that fails removes them. A create cut off by a
 * crash of this service cannot: at the next start, whatever carries this Berth's instance labels but belongs to no
 * recorded instance is such a leftover, and goes (the registry forgot the instance when its call failed, and a retry
 * of the create would otherwise find its name taken by things nobody knows).
 */
@ApplicationScoped
public class HalfMadeInstances {

    private static final Logger LOG = Logger.getLogger(HalfMadeInstances.class);

    @Inject
    ContainerRuntime runtime;

    @Inject
    InstanceRecords records;

    void onStart(@Observes StartupEvent start) {
        if (!runtime.configured()) {
            return;
        }
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("could not look for instances a crash left half-made: %s", e.getMessage());
        }
    }

    /** Removes the containers, volumes and admin secrets of instances that were never recorded; returns how many. */
    int sweep() {
        PodmanClient podman = runtime.client();
        String owner = runtime.config().owner();
        int removed = 0;
        for (ContainerInfo c : podman.list(List.of(ContainerLabels.OWNER + "=" + owner, ContainerLabels.INSTANCE))) {
            if (unrecorded(c.labels())) {
                LOG.warnf("removing container %s of an instance whose create a restart cut off", c.name());
                podman.remove(c.id(), Duration.ZERO);
                removeSecret(podman, owner + "-" + c.name() + "-admin");
                removed++;
            }
        }
        for (Map.Entry<String, Map<String, String>> v : podman.volumesWithLabels(ContainerLabels.OWNER + "=" + owner)
                .entrySet()) {
            if (v.getValue().containsKey(ContainerLabels.INSTANCE) && unrecorded(v.getValue())) {
                LOG.warnf("removing volume %s of an instance whose create a restart cut off", v.getKey());
                podman.removeVolume(v.getKey());
                if (v.getKey().endsWith("-data")) {
                    removeSecret(podman, owner + "-" + v.getKey().substring(0, v.getKey().length() - 5) + "-admin");
                }
                removed++;
            }
        }
        return removed;
    }

    private boolean unrecorded(Map<String, String> labels) {
        try {
            return records.find(UUID.fromString(labels.get(ContainerLabels.INSTANCE))).isEmpty();
        } catch (IllegalArgumentException e) {
            return false; // not a label Berth wrote: not ours to judge
        }
    }

    private static void removeSecret(PodmanClient podman, String name) {
        try {
            podman.removeSecret(name);
        } catch (RuntimeException e) {
            LOG.debugf("no secret %s to remove (%s)", name, e.getMessage());
        }
    }
}
