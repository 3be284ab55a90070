package dev.berth.provisioner.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.events.Topics;
import dev.berth.embedded.Commands;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes as a cluster would get it: each overlay rendered by {@code kubectl kustomize} (no cluster is
 * needed, and none runs here) and read with fabric8's model. Every Deployment has its probes, requests and limits,
 * its own ServiceAccount, a Service and a disruption budget, and runs unprivileged; every pod is under a default-deny
 * NetworkPolicy and only the gateway admits traffic from outside Berth; only the provisioner has a Role, in the
 * instance namespace only; every Secret the pods read is one make-secrets.sh makes or Strimzi's KafkaUser writes;
 * the rendered examples under docs/kubernetes are what the overlays render today.
 */
class KubernetesManifestsTest {

    private static final Path KUBERNETES = Path.of("..", "deploy", "kubernetes").toAbsolutePath().normalize();
    private static final Path RENDERED = Path.of("..", "docs", "kubernetes").toAbsolutePath().normalize();
    private static final Set<String> SERVICES = Set.of("registry", "provisioner", "backup", "gateway");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyDeploymentHasProbesLimitsItsOwnAccountAServiceAndABudgetAndRunsUnprivileged(String overlay) {
        List<HasMetadata> all = render(overlay);
        List<Deployment> deployments = of(all, Deployment.class);
        assertEquals(SERVICES, deployments.stream().map(d -> d.getMetadata().getName().replace("berth-", ""))
                .collect(Collectors.toSet()));
        Set<String> accounts = of(all, ServiceAccount.class).stream().map(a -> a.getMetadata().getName())
                .collect(Collectors.toSet());
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            var pod = d.getSpec().getTemplate().getSpec();
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertEquals(name, pod.getServiceAccountName(), name + " runs as its own account");
            assertTrue(accounts.contains(pod.getServiceAccountName()), name + "'s account is in the manifests");
            assertTrue(pod.getSecurityContext().getRunAsNonRoot(), name + " runs as non-root");
            for (Container c : pod.getContainers()) {
                probe(name, c.getLivenessProbe(), "/q/health/live");
                probe(name, c.getReadinessProbe(), "/q/health/ready");
                probe(name, c.getStartupProbe(), "/q/health/started");
                ResourceRequirements r = c.getResources();
                for (String kind : List.of("cpu", "memory")) {
                    assertNotNull(r.getRequests().get(kind), name + " requests " + kind);
                    assertNotNull(r.getLimits().get(kind), name + " is limited in " + kind);
                }
                assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), name);
                assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), name + " has a read-only root");
                assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), name);
            }
            assertTrue(of(all, Service.class).stream().anyMatch(s -> selects(s.getSpec().getSelector(), labels)),
                    "a Service selects " + name);
            assertTrue(of(all, PodDisruptionBudget.class).stream()
                    .anyMatch(b -> selects(b.getSpec().getSelector(), labels)), "a disruption budget covers " + name);
        }
        // Only the provisioner reaches the Kubernetes API; the others have no token at all.
        for (ServiceAccount a : of(all, ServiceAccount.class)) {
            assertEquals(a.getMetadata().getName().equals("berth-provisioner"), a.getAutomountServiceAccountToken(),
                    a.getMetadata().getName());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyPodIsUnderADefaultDenyAndOnlyTheGatewayIsReachableFromOutside(String overlay) {
        List<HasMetadata> all = render(overlay);
        List<NetworkPolicy> policies = of(all, NetworkPolicy.class);
        for (Deployment d : of(all, Deployment.class)) {
            String name = d.getMetadata().getName();
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            List<NetworkPolicy> covering = policies.stream().filter(p -> selects(p.getSpec().getPodSelector(), labels))
                    .toList();
            assertTrue(covering.stream().anyMatch(p -> p.getSpec().getPolicyTypes().contains("Ingress")),
                    name + " is under an ingress policy");
            assertTrue(covering.stream().anyMatch(p -> p.getSpec().getPolicyTypes().contains("Egress")),
                    name + " is under an egress policy");
            boolean fromOutside = covering.stream().flatMap(p -> p.getSpec().getIngress() == null ? java.util.stream.Stream
                    .<NetworkPolicyIngressRule>empty() : p.getSpec().getIngress().stream()).anyMatch(rule ->
                    rule.getFrom() == null || rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer ->
                            peer.getNamespaceSelector() != null || peer.getIpBlock() != null));
            assertEquals(name.equals("berth-gateway"), fromOutside, name + " admits traffic from outside Berth");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void onlyTheProvisionerHasARoleAndOnlyForInstancesInTheirNamespace(String overlay) {
        List<HasMetadata> all = render(overlay);
        assertTrue(all.stream().noneMatch(r -> r.getKind().startsWith("Cluster")), "no cluster-wide RBAC");
        for (RoleBinding b : of(all, RoleBinding.class)) {
            assertEquals("berth-instances", b.getMetadata().getNamespace());
            assertEquals(List.of("berth-provisioner"), b.getSubjects().stream().map(s -> s.getName()).toList());
        }
        Set<String> writable = new TreeSet<>();
        for (Role role : of(all, Role.class)) {
            assertEquals("berth-instances", role.getMetadata().getNamespace());
            for (PolicyRule rule : role.getRules()) {
                if (rule.getVerbs().stream().anyMatch(v -> Set.of("create", "update", "patch", "delete").contains(v))) {
                    writable.addAll(rule.getResources());
                }
            }
        }
        // pods: delete only (an upgrade's forced rollback), never create: the StatefulSet controller makes them.
        assertEquals(new TreeSet<>(List.of("persistentvolumeclaims", "pods", "secrets", "services", "statefulsets")),
                writable);
        assertTrue(of(all, Role.class).stream().flatMap(r -> r.getRules().stream())
                .filter(r -> r.getResources().contains("pods"))
                .noneMatch(r -> r.getVerbs().contains("create") || r.getVerbs().contains("update")), "pods are not made");
        // The provisioner puts instances where its Role is bound, and there only.
        Deployment provisioner = of(all, Deployment.class).stream().filter(d -> d.getMetadata().getName()
                .equals("berth-provisioner")).findFirst().orElseThrow();
        String namespaces = provisioner.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("BERTH_KUBERNETES_NAMESPACES")).map(EnvVar::getValue).findFirst()
                .orElse("");
        assertEquals(of(all, Role.class).stream().map(r -> r.getMetadata().getNamespace()).collect(Collectors
                .toCollection(TreeSet::new)), new TreeSet<>(List.of(namespaces.split(","))));
    }

    /** What an operator applies in an app namespace lets the provisioner touch Secrets there and nothing else. */
    @Test
    void theAppNamespaceExampleGrantsTheProvisionerSecretsAndNothingElse() throws IOException {
        List<GenericKubernetesResource> example = examples("app-namespace/secrets-role.yaml");
        Role role = Serialization.unmarshal(Serialization.asYaml(example.stream().filter(r -> r.getKind()
                .equals("Role")).findFirst().orElseThrow()), Role.class);
        RoleBinding binding = Serialization.unmarshal(Serialization.asYaml(example.stream().filter(r -> r.getKind()
                .equals("RoleBinding")).findFirst().orElseThrow()), RoleBinding.class);
        assertEquals(Set.of("secrets"), role.getRules().stream().flatMap(r -> r.getResources().stream())
                .collect(Collectors.toSet()));
        assertFalse(role.getRules().stream().anyMatch(r -> r.getVerbs().contains("list") || r.getVerbs()
                .contains("watch") || r.getVerbs().contains("*")), "it cannot read every Secret of the namespace");
        assertEquals(role.getMetadata().getNamespace(), binding.getMetadata().getNamespace());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(List.of("berth/berth-provisioner"), binding.getSubjects().stream()
                .map(s -> s.getNamespace() + "/" + s.getName()).toList());
    }

    @Test
    void productionRunsTwoGatewaysAndRegistriesOneOfEachAlwaysUp() {
        List<HasMetadata> all = render("production");
        for (String name : List.of("berth-gateway", "berth-registry")) {
            Deployment d = of(all, Deployment.class).stream().filter(x -> x.getMetadata().getName().equals(name))
                    .findFirst().orElseThrow();
            assertEquals(2, d.getSpec().getReplicas(), name);
            PodDisruptionBudget pdb = of(all, PodDisruptionBudget.class).stream()
                    .filter(b -> b.getMetadata().getName().equals(name)).findFirst().orElseThrow();
            assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal(), name);
        }
        assertEquals(1, of(all, Deployment.class).stream().filter(d -> d.getMetadata().getName()
                .equals("berth-provisioner")).findFirst().orElseThrow().getSpec().getReplicas(), "one provisioner");
    }

    /** The Secrets the pods read exist once make-secrets.sh ran and Strimzi made the KafkaUser's. */
    @Test
    void everySecretThePodsReadIsMadeByTheScriptOrByStrimzi() throws IOException {
        Commands.Result dry = Commands.tryRun(List.of(KUBERNETES.resolve("make-secrets.sh").toString(), "--dry-run"),
                Map.of(), null, 60, null);
        assertEquals(0, dry.exitCode(), dry.output());
        Set<String> made = dry.output().lines().filter(l -> l.startsWith("would create "))
                .map(l -> l.substring("would create ".length())).collect(Collectors.toCollection(HashSet::new));
        GenericKubernetesResource kafkaUser = examples("strimzi/user.yaml").get(0);
        made.add(kafkaUser.getMetadata().getName());
        Set<String> read = new TreeSet<>();
        for (Deployment d : of(render("dev"), Deployment.class)) {
            var pod = d.getSpec().getTemplate().getSpec();
            for (Container c : pod.getContainers()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        read.add(e.getValueFrom().getSecretKeyRef().getName());
                    }
                }
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getSecret() != null) {
                    read.add(v.getSecret().getSecretName());
                }
            }
        }
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(made);
        assertEquals(Set.of(), missing, "read by the pods, made by no one");
        // CloudNativePG sets each role's password from the same Secrets.
        for (GenericKubernetesResource r : examples("cloudnative-pg/catalog.yaml")) {
            if (r.getKind().equals("Cluster")) {
                List<Map<String, Object>> roles = r.get("spec", "managed", "roles");
                for (Map<String, Object> role : roles) {
                    @SuppressWarnings("unchecked")
                    String secret = ((Map<String, String>) role.get("passwordSecret")).get("name");
                    assertTrue(made.contains(secret), role.get("name") + "'s password Secret " + secret);
                }
            }
        }
    }

    @Test
    void theStrimziExampleHasEveryTopicBerthUsesAndTheCatalogExampleEveryServiceDatabase() throws IOException {
        Set<String> topics = examples("strimzi/topics.yaml").stream().map(t -> (String) t.get("spec", "topicName"))
                .collect(Collectors.toSet());
        assertEquals(Set.copyOf(Topics.ALL), topics);
        Set<String> databases = examples("cloudnative-pg/catalog.yaml").stream().filter(r -> r.getKind()
                .equals("Database")).map(r -> (String) r.get("spec", "name")).collect(Collectors.toSet());
        assertEquals(SERVICES.stream().map(s -> "berth_" + s).collect(Collectors.toSet()), databases);
    }

    /** docs/kubernetes holds what each overlay renders now (compared object by object: kustomize versions order them differently). */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void theRenderedExampleInTheDocsIsCurrent(String overlay) throws IOException {
        Path file = RENDERED.resolve("rendered-" + overlay + ".yaml");
        assertTrue(Files.exists(file), file + " is missing: kubectl kustomize deploy/kubernetes/overlays/" + overlay
                + " > " + file);
        Set<String> checkedIn = parse(Files.readString(file)).stream().map(Serialization::asYaml)
                .collect(Collectors.toSet());
        Set<String> now = render(overlay).stream().map(Serialization::asYaml).collect(Collectors.toSet());
        assertEquals(now, checkedIn, "re-render: kubectl kustomize deploy/kubernetes/overlays/" + overlay + " > "
                + file);
    }

    private static void probe(String name, Probe probe, String path) {
        assertNotNull(probe, name + " has a probe on " + path);
        assertEquals(path, probe.getHttpGet().getPath(), name);
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        boolean matchLabels = selector.getMatchLabels() == null || selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        boolean expressions = selector.getMatchExpressions() == null || selector.getMatchExpressions().stream()
                .allMatch(x -> switch (x.getOperator()) {
                    case "In" -> x.getValues().contains(labels.get(x.getKey()));
                    case "NotIn" -> !x.getValues().contains(labels.get(x.getKey()));
                    case "Exists" -> labels.containsKey(x.getKey());
                    case "DoesNotExist" -> !labels.containsKey(x.getKey());
                    default -> false;
                });
        return matchLabels && expressions;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static <T> List<T> of(List<HasMetadata> all, Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<HasMetadata> render(String overlay) {
        Commands.Result rendered = Commands.tryRun(List.of("kubectl", "kustomize",
                KUBERNETES.resolve("overlays").resolve(overlay).toString()), Map.of(), null, 60, null);
        assertEquals(0, rendered.exitCode(), "kubectl kustomize (apt-get install -y kubernetes-client): "
                + rendered.output());
        // kustomize warns about deprecated fields on stderr, which the output includes: keep the YAML only.
        String yaml = rendered.output().lines().filter(l -> !l.startsWith("# Warning:") && !l.startsWith("Warning:"))
                .collect(Collectors.joining("\n"));
        return parse(yaml);
    }

    private static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                out.add(Serialization.unmarshal(doc));
            }
        }
        return out;
    }

    private static List<GenericKubernetesResource> examples(String file) throws IOException {
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (String doc : Files.readString(KUBERNETES.resolve("examples").resolve(file)).split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                out.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
            }
        }
        return out;
    }
}
