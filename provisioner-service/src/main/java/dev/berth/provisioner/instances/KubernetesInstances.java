package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.events.InstanceCreated;
import dev.berth.contracts.events.InstanceRemoved;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.provisioner.config.InstancesConfig;
import dev.berth.provisioner.config.KubernetesConfig;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.service.Passwords;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ExecActionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Dedicated instances on Kubernetes, in a namespace named in {@code berth.kubernetes.namespaces}: per instance a
 * Secret with the generated admin password (mounted as the file the images read), a headless Service for the
 * StatefulSet, a Service apps and Berth connect to ({@code <name>.<namespace>.svc}), and a StatefulSet of one pod
 * with a volume claim, the engine's image from {@code berth.instances.*} and its health check as readiness probe.
 * Created when the pod is ready; any step that fails undoes the ones before, so a failed create leaves nothing.
 * Status comes from the pods ({@link KubernetesPodWatcher}). Blocking.
 */
@ApplicationScoped
public class KubernetesInstances {

    private static final Logger LOG = Logger.getLogger(KubernetesInstances.class);
    private static final String SECRET_DIR = "/run/secrets";
    private static final String SECRET_KEY = "berth-admin-password";

    @Inject
    Instance<KubernetesClient> clients;

    @Inject
    KubernetesConfig config;

    @Inject
    EngineDrivers drivers;

    @Inject
    InstanceRecords records;

    /** Whether instances may be put on Kubernetes at all. */
    public boolean enabled() {
        return config.namespaces().map(n -> !n.isEmpty()).orElse(false);
    }

    public DedicatedInstance create(UUID id, DedicatedInstanceRequest request) {
        String namespace = request.namespace();
        if (!enabled() || !config.namespaces().get().contains(namespace)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "namespace " + namespace + " is not one Berth may "
                    + "run instances in (berth.kubernetes.namespaces: " + config.namespaces().orElse(List.of()) + ")");
        }
        if (request.hostPort() != null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "an instance on Kubernetes is reached through its "
                    + "Service, not a host port");
        }
        EngineDriver driver = drivers.of(request.engine());
        InstancesConfig.Image image = drivers.image(request.engine());
        KubernetesClient k8s = clients.get();
        String name = request.container();
        if (k8s.apps().statefulSets().inNamespace(namespace).withName(name).get() != null) {
            throw new ProblemException(ProblemType.CONFLICT, "a StatefulSet " + name + " exists already in " + namespace);
        }
        Map<String, String> labels = labels(id, request);
        String secret = name + "-admin";
        String password = Passwords.generate();
        long started = System.nanoTime();
        Deque<Runnable> undo = new ArrayDeque<>();
        try {
            k8s.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(secret)
                    .withLabels(labels).endMetadata().withType("Opaque")
                    .addToData(SECRET_KEY, Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)))
                    .build()).create();
            undo.push(() -> k8s.secrets().inNamespace(namespace).withName(secret).delete());
            k8s.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata()
                    .withName(name + "-hl").withLabels(labels).endMetadata().withNewSpec().withClusterIP("None")
                    .withSelector(Map.of(ContainerLabels.INSTANCE, id.toString())).addNewPort().withName("db")
                    .withPort(request.engine().port()).endPort().endSpec().build()).create();
            undo.push(() -> k8s.services().inNamespace(namespace).withName(name + "-hl").delete());
            k8s.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName(name)
                    .withLabels(labels).endMetadata().withNewSpec()
                    .withSelector(Map.of(ContainerLabels.INSTANCE, id.toString())).addNewPort().withName("db")
                    .withPort(request.engine().port()).endPort().endSpec().build()).create();
            undo.push(() -> k8s.services().inNamespace(namespace).withName(name).delete());
            k8s.apps().statefulSets().inNamespace(namespace).resource(statefulSet(request, driver, image.image(),
                    secret, labels)).create();
            undo.push(() -> {
                k8s.apps().statefulSets().inNamespace(namespace).withName(name).delete();
                k8s.persistentVolumeClaims().inNamespace(namespace).withName(claim(name)).delete();
            });
            awaitReady(k8s, namespace, name);
            InstanceEndpoint endpoint = new InstanceEndpoint(id, name + "." + namespace + ".svc",
                    request.engine().port(), driver.adminUser(), "prefer");
            if (config.checkAdmin()) {
                driver.checkAdmin(endpoint, password).await().atMost(Duration.ofSeconds(30));
            }
            records.created(new InstanceRecords.Record(id, request.name(), request.environment(), request.engine(),
                            name, namespace + "/" + name, image.image(), image.version(), claim(name), secret, null,
                            request.memoryBytes(), request.cpus(), "healthy", namespace), endpoint, password,
                    new InstanceCreated(id.toString(), request.name(), request.engine().wire(), name, null));
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.infof("instance %s/%s (%s) ready in %d ms", namespace, name, request.engine().wire(), millis);
            return new DedicatedInstance(id.toString(), request.engine(), name, namespace + "/" + name, image.image(),
                    image.version(), claim(name), endpoint.host(), request.engine().port(), null, driver.adminUser(),
                    password, "running", "healthy", millis);
        } catch (RuntimeException e) {
            LOG.warnf("instance %s/%s was not created (%s); removing what was made", namespace, name, e.getMessage());
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException cleanup) {
                    LOG.errorf("could not undo a step of creating %s/%s: %s", namespace, name, cleanup.getMessage());
                }
            }
            if (e instanceof KubernetesClientException k) {
                throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "Kubernetes refused " + name + ": "
                        + k.getMessage());
            }
            throw e;
        }
    }

    /** The StatefulSet, both Services and the Secret; the volume claim too unless {@code keepVolume}. */
    public void remove(InstanceRecords.Record r, boolean keepVolume) {
        KubernetesClient k8s = clients.get();
        String ns = r.namespace();
        k8s.apps().statefulSets().inNamespace(ns).withName(r.container()).delete();
        k8s.services().inNamespace(ns).withName(r.container()).delete();
        k8s.services().inNamespace(ns).withName(r.container() + "-hl").delete();
        k8s.secrets().inNamespace(ns).withName(r.secret()).delete();
        if (!keepVolume) {
            k8s.persistentVolumeClaims().inNamespace(ns).withName(r.volume()).delete();
        }
        records.removed(r.instanceId(), new InstanceRemoved(r.instanceId().toString(), r.container(), keepVolume));
        LOG.infof("instance %s/%s removed (%s)", ns, r.container(), keepVolume ? "claim " + r.volume() + " kept"
                : "with its claim");
    }

    /**
     * Start (one replica; answers when its pod is ready) or stop (none). The health and its events follow from the
     * pods ({@link KubernetesPodWatcher}).
     */
    public DedicatedInstance scale(InstanceRecords.Record r, boolean up) {
        KubernetesClient k8s = clients.get();
        k8s.apps().statefulSets().inNamespace(r.namespace()).withName(r.container())
                .edit(s -> new StatefulSetBuilder(s).editSpec().withReplicas(up ? 1 : 0).endSpec().build());
        if (up) {
            awaitReady(k8s, r.namespace(), r.container());
        }
        return view(records.require(r.instanceId()));
    }

    public DedicatedInstance view(InstanceRecords.Record r) {
        Pod pod = clients.get().pods().inNamespace(r.namespace()).withName(r.container() + "-0").get();
        String state = pod == null ? "stopped" : pod.getStatus() == null || pod.getStatus().getPhase() == null
                ? "created" : pod.getStatus().getPhase().toLowerCase(java.util.Locale.ROOT);
        return new DedicatedInstance(r.instanceId().toString(), r.engine(), r.container(), r.containerId(), r.image(),
                r.version(), r.volume(), r.container() + "." + r.namespace() + ".svc", r.engine().port(), null,
                drivers.of(r.engine()).adminUser(), null, state, r.health(), null);
    }

    /** Whether the pod's Ready condition is true. */
    static boolean ready(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        return pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                && "True".equals(c.getStatus()));
    }

    /** Why a pod is not ready, in Kubernetes' words (the Ready condition's reason and message), or "". */
    static String notReadyBecause(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return "";
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .map(c -> String.join(": ", java.util.stream.Stream.of(c.getReason(), c.getMessage())
                        .filter(s -> s != null && !s.isBlank()).toList())).orElse("");
    }

    private void awaitReady(KubernetesClient k8s, String namespace, String name) {
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        Pod last = null;
        while (System.nanoTime() < deadline) {
            last = k8s.pods().inNamespace(namespace).withName(name + "-0").get();
            if (ready(last)) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String why = notReadyBecause(last);
        throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "the pod of " + namespace + "/" + name
                + " was not ready within " + config.readyTimeout().toSeconds() + " s"
                + (last == null ? " (no pod was made: see the StatefulSet's events)" : why.isEmpty() ? "" : ": " + why));
    }

    private StatefulSet statefulSet(DedicatedInstanceRequest r, EngineDriver driver, String image, String secret,
            Map<String, String> labels) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (r.memoryBytes() != null) {
            limits.put("memory", new Quantity(String.valueOf(r.memoryBytes())));
        }
        if (r.cpus() != null) {
            limits.put("cpu", new Quantity(String.valueOf(r.cpus())));
        }
        var env = driver.env(SECRET_DIR + "/" + SECRET_KEY, r.memoryBytes()).entrySet().stream()
                .map(e -> new io.fabric8.kubernetes.api.model.EnvVar(e.getKey(), e.getValue(), null)).toList();
        var container = new ContainerBuilder().withName(r.engine().wire()).withImage(image).withEnv(env)
                .addNewPort().withName("db").withContainerPort(r.engine().port()).endPort()
                .withResources(new ResourceRequirementsBuilder().withLimits(limits).build())
                .withNewReadinessProbe().withExec(new ExecActionBuilder().withCommand(driver.healthTest().subList(1,
                        driver.healthTest().size())).build()).withPeriodSeconds(5).withTimeoutSeconds(5).endReadinessProbe()
                .addNewVolumeMount().withName("data").withMountPath(driver.dataPath()).endVolumeMount()
                .addNewVolumeMount().withName("admin").withMountPath(SECRET_DIR).withReadOnly(true).endVolumeMount()
                .build();
        var claimSpec = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder()
                .withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity(config.storageSize())).endResources();
        config.storageClass().ifPresent(claimSpec::withStorageClassName);
        return new StatefulSetBuilder().withNewMetadata().withName(r.container()).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withServiceName(r.container() + "-hl")
                .withNewSelector().addToMatchLabels(ContainerLabels.INSTANCE, labels.get(ContainerLabels.INSTANCE))
                .endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec()
                .withContainers(container).withAutomountServiceAccountToken(false)
                .addNewVolume().withName("admin").withNewSecret().withSecretName(secret).withDefaultMode(0400)
                .endSecret().endVolume()
                .endSpec().endTemplate()
                .addNewVolumeClaimTemplate().withNewMetadata().withName("data").withLabels(labels).endMetadata()
                .withSpec(claimSpec.build()).endVolumeClaimTemplate()
                .endSpec().build();
    }

    /** The claim the StatefulSet controller makes from the template {@code data} for pod 0. */
    static String claim(String name) {
        return "data-" + name + "-0";
    }

    private static Map<String, String> labels(UUID id, DedicatedInstanceRequest r) {
        return Map.of(ContainerLabels.OWNER, "berth", ContainerLabels.INSTANCE, id.toString(), ContainerLabels.ENGINE,
                r.engine().wire(), "app.kubernetes.io/managed-by", "berth");
    }
}
