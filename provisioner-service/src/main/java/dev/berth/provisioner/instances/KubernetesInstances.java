package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.events.InstanceCreated;
import dev.berth.contracts.events.InstanceRemoved;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.contracts.provisioning.InstanceStats;
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
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Dedicated instances on Kubernetes, in a namespace named in {@code berth.kubernetes.namespaces}: per instance a
 * Secret with the generated admin password (mounted as the file the images read), a headless Service for the
 * StatefulSet, a Service apps and Berth connect to ({@code <name>.<namespace>.svc}), and a StatefulSet of one pod
 * with a volume claim, the engine's image from {@code berth.instances.*} and its health check as readiness probe.
 * Created when the pod is ready; any step that fails undoes the ones before, so a failed create leaves nothing.
 * Started and stopped by scaling, restarted and upgraded through the pod template (the controller replaces the pod on
 * the same claim). Status comes from the pods ({@link KubernetesPodWatcher}). Blocking.
 */
@ApplicationScoped
public class KubernetesInstances {

    private static final Logger LOG = Logger.getLogger(KubernetesInstances.class);
    private static final String SECRET_DIR = "/run/secrets";
    private static final String SECRET_KEY = "berth-admin-password";
    /** The pod-template annotation {@code kubectl rollout restart} sets (a new value replaces the pods). */
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    @Inject
    Instance<KubernetesClient> clients;

    @Inject
    KubernetesConfig config;

    @Inject
    EngineDrivers drivers;

    @Inject
    InstanceRecords records;

    @Inject
    InstanceLifecycle lifecycle;

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
        statefulSet(k8s, r).edit(s -> new StatefulSetBuilder(s).editSpec().withReplicas(up ? 1 : 0).endSpec().build());
        if (up) {
            awaitReady(k8s, r.namespace(), r.container());
        }
        return view(records.require(r.instanceId()));
    }

    /**
     * What {@code kubectl rollout restart} does: a new {@code restartedAt} annotation on the pod template, so the
     * StatefulSet controller replaces the pod (on the same claim); answers when the new pod is ready. A pod that is not
     * ready is deleted as well (the controller would wait for it); a stopped instance is started.
     */
    public DedicatedInstance restart(InstanceRecords.Record r) {
        KubernetesClient k8s = clients.get();
        Pod before = pod(k8s, r);
        if (before == null) {
            return scale(r, true);
        }
        String at = OffsetDateTime.now(ZoneOffset.UTC).toString();
        statefulSet(k8s, r).edit(s -> new StatefulSetBuilder(s).editSpec().editTemplate().editMetadata()
                .addToAnnotations(RESTARTED_AT, at).endMetadata().endTemplate().endSpec().build());
        if (!ready(before)) {
            // The controller's rolling update waits for an unhealthy pod instead of replacing it: a restart of an
            // instance that is not ready (what one restarts most often) deletes the pod, and the controller makes
            // it again from the new template.
            podOf(k8s, r.namespace(), r.container()).delete();
        }
        awaitReady(k8s, r.namespace(), r.container(), before.getMetadata().getUid());
        LOG.infof("instance %s/%s restarted", r.namespace(), r.container());
        return view(records.require(r.instanceId()));
    }

    /**
     * Runs the instance on the image now configured for its engine (same major version; a new major needs a dump and
     * a restore), on the same claim: the pod template's image is changed and the controller replaces the pod. When
     * the new pod is not ready in time, the previous image is put back and the pod made from the new one is deleted —
     * Kubernetes' forced rollback: a StatefulSet does not replace a pod that never became ready on its own. The same
     * image as now is a restart (whether a rebuilt image of the same name is pulled is the pod's imagePullPolicy).
     */
    public DedicatedInstance upgrade(InstanceRecords.Record r) {
        InstancesConfig.Image image = drivers.image(r.engine());
        InstanceContainers.refuseAnotherMajor(r, image);
        if (image.image().equals(r.image())) {
            return restart(r);
        }
        KubernetesClient k8s = clients.get();
        Pod before = pod(k8s, r);
        if (before == null) {
            throw new ProblemException(ProblemType.CONFLICT, r.container() + " is stopped: start it before upgrading "
                    + "it, so that the new image can be seen to work");
        }
        setImage(k8s, r, image.image());
        try {
            awaitReady(k8s, r.namespace(), r.container(), before.getMetadata().getUid());
        } catch (RuntimeException failed) {
            LOG.warnf("upgrade of %s/%s failed (%s); back to %s", r.namespace(), r.container(), failed.getMessage(),
                    r.image());
            try {
                setImage(k8s, r, r.image());
                Pod now = pod(k8s, r);
                boolean stuck = now != null && !Objects.equals(now.getMetadata().getUid(), before.getMetadata()
                        .getUid());
                if (stuck) {
                    podOf(k8s, r.namespace(), r.container()).delete();
                }
                awaitReady(k8s, r.namespace(), r.container(), stuck ? now.getMetadata().getUid() : null);
            } catch (RuntimeException alsoFailed) {
                throw InstanceContainers.upgradeFailed(r, failed, alsoFailed, "claim");
            }
            throw InstanceContainers.upgradeFailed(r, failed, null, "claim");
        }
        records.replaced(r.instanceId(), r.containerId(), image.image(), image.version());
        LOG.infof("instance %s/%s upgraded to %s", r.namespace(), r.container(), image.image());
        return view(records.require(r.instanceId()));
    }

    /**
     * CPU and memory from the metrics API (metrics-server) when the cluster has it, the memory limit and the start
     * from the pod, data size and connections from the engine; a part that cannot be read is left out and said.
     */
    public InstanceStats stats(InstanceRecords.Record r) {
        KubernetesClient k8s = clients.get();
        Pod pod = pod(k8s, r);
        String state = state(pod);
        if (!"running".equals(state)) {
            return new InstanceStats(state, r.health(), null, null, null, null, null, null, null,
                    "the instance is " + state);
        }
        List<String> unavailable = new ArrayList<>();
        Double cpuPercent = null;
        Long memory = null;
        try {
            PodMetrics metrics = k8s.top().pods().metrics(r.namespace(), pod.getMetadata().getName());
            BigDecimal cores = BigDecimal.ZERO;
            BigDecimal bytes = BigDecimal.ZERO;
            for (ContainerMetrics c : metrics.getContainers()) {
                cores = cores.add(amount(c.getUsage(), "cpu"));
                bytes = bytes.add(amount(c.getUsage(), "memory"));
            }
            cpuPercent = cores.movePointRight(2).doubleValue();
            memory = bytes.longValue();
        } catch (KubernetesClientException e) {
            unavailable.add("CPU and memory: the metrics API answered " + e.getCode() + switch (e.getCode()) {
                case 404 -> " (a cluster without metrics-server has none; a new pod has none for a minute)";
                case 403 -> " (the provisioner's Role needs get on pods in metrics.k8s.io)";
                default -> ": " + e.getMessage();
            });
        }
        Long limit = pod.getSpec().getContainers().stream().map(c -> c.getResources() == null ? null
                        : c.getResources().getLimits()).filter(l -> l != null && l.containsKey("memory"))
                .map(l -> l.get("memory").getNumericalAmount().longValue()).findFirst().orElse(null);
        OffsetDateTime startedAt = startedAt(pod);
        Long uptime = startedAt == null ? null : Duration.between(startedAt, OffsetDateTime.now()).toSeconds();
        InstanceLifecycle.EngineReading engine = lifecycle.engineFigures(r);
        if (engine.unavailable() != null) {
            unavailable.add(engine.unavailable());
        }
        return new InstanceStats(state, r.health(), cpuPercent, memory, limit, startedAt, uptime, engine.sizeBytes(),
                engine.connections(), unavailable.isEmpty() ? null : String.join("; ", unavailable));
    }

    public DedicatedInstance view(InstanceRecords.Record r) {
        return new DedicatedInstance(r.instanceId().toString(), r.engine(), r.container(), r.containerId(), r.image(),
                r.version(), r.volume(), r.container() + "." + r.namespace() + ".svc", r.engine().port(), null,
                drivers.of(r.engine()).adminUser(), null, state(pod(clients.get(), r)), r.health(), null);
    }

    /** The pod's phase in lower case ("running", "pending", …); "created" before it has one; "stopped": no pod. */
    private static String state(Pod pod) {
        return pod == null ? "stopped" : pod.getStatus() == null || pod.getStatus().getPhase() == null ? "created"
                : pod.getStatus().getPhase().toLowerCase(Locale.ROOT);
    }

    /** When the engine's container started (its current run), else when the pod did. */
    private static OffsetDateTime startedAt(Pod pod) {
        String at = pod.getStatus().getContainerStatuses() == null ? null : pod.getStatus().getContainerStatuses()
                .stream().map(c -> c.getState() == null || c.getState().getRunning() == null ? null
                        : c.getState().getRunning().getStartedAt()).filter(t -> t != null).findFirst()
                .orElse(pod.getStatus().getStartTime());
        return at == null ? null : OffsetDateTime.parse(at);
    }

    private static BigDecimal amount(Map<String, Quantity> usage, String resource) {
        Quantity q = usage == null ? null : usage.get(resource);
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    private static Pod pod(KubernetesClient k8s, InstanceRecords.Record r) {
        return podOf(k8s, r.namespace(), r.container()).get();
    }

    /** The one pod of an instance's StatefulSet (ordinal 0: the controller names it after the set). */
    private static PodResource podOf(KubernetesClient k8s, String namespace, String statefulSet) {
        return k8s.pods().inNamespace(namespace).withName(statefulSet + "-0");
    }

    private static RollableScalableResource<StatefulSet> statefulSet(KubernetesClient k8s, InstanceRecords.Record r) {
        return k8s.apps().statefulSets().inNamespace(r.namespace()).withName(r.container());
    }

    private static void setImage(KubernetesClient k8s, InstanceRecords.Record r, String image) {
        statefulSet(k8s, r).edit(s -> new StatefulSetBuilder(s).editSpec().editTemplate().editSpec()
                .editFirstContainer().withImage(image).endContainer().endSpec().endTemplate().endSpec().build());
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
        awaitReady(k8s, namespace, name, null);
    }

    /**
     * Until pod 0 is ready and is not the pod {@code replacedUid} (nor one being deleted): after a change of the pod
     * template the old pod stays ready until the controller deletes it, so only a new pod's readiness counts.
     */
    private void awaitReady(KubernetesClient k8s, String namespace, String name, String replacedUid) {
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        Pod last = null;
        while (System.nanoTime() < deadline) {
            last = podOf(k8s, namespace, name).get();
            if (ready(last) && last.getMetadata().getDeletionTimestamp() == null
                    && (replacedUid == null || !replacedUid.equals(last.getMetadata().getUid()))) {
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
