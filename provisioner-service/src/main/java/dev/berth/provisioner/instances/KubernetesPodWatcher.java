package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.events.BerthEvent;
import dev.berth.contracts.events.InstanceHealthy;
import dev.berth.contracts.events.InstanceStarted;
import dev.berth.contracts.events.InstanceStopped;
import dev.berth.contracts.events.InstanceUnhealthy;
import dev.berth.provisioner.config.KubernetesConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The Kubernetes side of an instance's lifecycle events, as Podman's event watcher is on a host: an informer on the
 * pods of Berth's instances in each configured namespace. A pod that became ready announces
 * {@code InstanceHealthy}, one that stopped being ready {@code InstanceUnhealthy} (with Kubernetes' reason), a new
 * pod of a stopped instance {@code InstanceStarted}, a deleted pod {@code InstanceStopped} — each written with the
 * instance's health in one transaction with its outbox row, and only when the health changes, so the informer's
 * resyncs and repeated updates announce nothing twice.
 */
@ApplicationScoped
public class KubernetesPodWatcher {

    private static final Logger LOG = Logger.getLogger(KubernetesPodWatcher.class);

    @Inject
    KubernetesConfig config;

    @Inject
    Instance<KubernetesClient> clients;

    @Inject
    InstanceRecords records;

    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();

    void start(@Observes StartupEvent started) {
        for (String namespace : config.namespaces().orElse(List.of())) {
            informers.add(clients.get().pods().inNamespace(namespace).withLabel(ContainerLabels.INSTANCE)
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(Pod pod) {
                            changed(pod, false);
                        }

                        @Override
                        public void onUpdate(Pod before, Pod pod) {
                            changed(pod, false);
                        }

                        @Override
                        public void onDelete(Pod pod, boolean finalStateUnknown) {
                            changed(pod, true);
                        }
                    }));
            LOG.infof("watching the pods of Berth's instances in namespace %s", namespace);
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        informers.forEach(SharedIndexInformer::stop);
    }

    private void changed(Pod pod, boolean deleted) {
        try {
            UUID id = UUID.fromString(pod.getMetadata().getLabels().get(ContainerLabels.INSTANCE));
            Optional<InstanceRecords.Record> found = records.find(id);
            if (found.isEmpty() || !found.get().onKubernetes()) {
                return; // being made (the create records it once ready), or not Berth's any more
            }
            InstanceRecords.Record r = found.get();
            String instance = id.toString();
            if (!deleted && "stopped".equals(r.health())) {
                // A pod of a stopped instance: it started (and may be ready at once, as after a quick restart).
                records.health(id, "starting", new InstanceStarted(instance, r.container()));
                r = records.require(id);
            }
            String health = deleted ? "stopped" : KubernetesInstances.ready(pod) ? "healthy"
                    : "starting".equals(r.health()) ? "starting" : "unhealthy";
            if (health.equals(r.health())) {
                return;
            }
            BerthEvent event = switch (health) {
                case "healthy" -> new InstanceHealthy(instance, r.container());
                case "stopped" -> new InstanceStopped(instance, r.container(), true, null);
                default -> new InstanceUnhealthy(instance, r.container(), KubernetesInstances.notReadyBecause(pod));
            };
            records.health(id, health, event);
            LOG.infof("instance %s/%s is %s", r.namespace(), r.container(), health);
        } catch (RuntimeException e) {
            LOG.warnf("pod %s: %s", pod.getMetadata().getName(), e.getMessage());
        }
    }
}
