package dev.berth.provisioner.kubernetes;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.config.KubernetesConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An app's credentials as a Kubernetes Secret, for {@code envFrom: secretRef}: one key per variable of the database's
 * env bundle ({@code DATABASE_URL}, {@code PGPASSWORD}, …), written into a namespace named in
 * {@code berth.kubernetes.app-namespaces} (none by default). A Secret Berth did not make
 * is never overwritten or deleted: its labels say whose it is ({@code app.kubernetes.io/managed-by=berth} and the
 * database's id). Blocking.
 */
@ApplicationScoped
public class AppSecrets {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String DATABASE = "berth.dev/database";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    @Inject
    Instance<KubernetesClient> clients;

    @Inject
    KubernetesConfig config;

    /** What a write made: where, and which keys (never the values). */
    public record Written(String namespace, String name, List<String> keys, boolean created) {
    }

    public Written write(String namespace, String name, UUID database, Map<String, String> data) {
        check(namespace, name);
        if (data == null || data.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "data: the Secret needs at least one key");
        }
        data.keySet().stream().filter(k -> !KEY.matcher(k).matches()).findFirst().ifPresent(k -> {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "data: '" + k + "' is not a valid Secret key");
        });
        KubernetesClient k8s = clients.get();
        Secret existing = guarded(namespace, () -> k8s.secrets().inNamespace(namespace).withName(name).get());
        if (existing != null) {
            ownedBy(existing, database, namespace, name);
        }
        Map<String, String> sorted = new TreeMap<>(data);
        Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(MANAGED_BY, "berth").addToLabels(DATABASE, database.toString())
                .addToAnnotations("berth.dev/keys", String.join(",", sorted.keySet()))
                .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
                .endMetadata().withType("Opaque").withStringData(sorted).build();
        guarded(namespace, () -> existing == null ? k8s.secrets().inNamespace(namespace).resource(secret).create()
                : k8s.secrets().inNamespace(namespace).resource(secret).update());
        return new Written(namespace, name, List.copyOf(sorted.keySet()), existing == null);
    }

    /** Removes the database's Secret; a missing one is fine, somebody else's is refused. */
    public void delete(String namespace, String name, UUID database) {
        check(namespace, name);
        KubernetesClient k8s = clients.get();
        Secret existing = guarded(namespace, () -> k8s.secrets().inNamespace(namespace).withName(name).get());
        if (existing == null) {
            return;
        }
        ownedBy(existing, database, namespace, name);
        guarded(namespace, () -> k8s.secrets().inNamespace(namespace).withName(name).delete());
    }

    private void check(String namespace, String name) {
        List<String> allowed = config.appNamespaces().orElse(List.of());
        if (!allowed.contains(namespace)) {
            throw new ProblemException(ProblemType.INSTANCE_REJECTED, "namespace " + namespace + " is not one Berth "
                    + "may write app Secrets in (berth.kubernetes.app-namespaces: "
                    + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'" + name + "' is not a valid Secret name "
                    + "(lower-case letters, digits and '-', at most 63)");
        }
    }

    private static void ownedBy(Secret secret, UUID database, String namespace, String name) {
        Map<String, String> labels = secret.getMetadata().getLabels() == null ? Map.of()
                : secret.getMetadata().getLabels();
        if (!"berth".equals(labels.get(MANAGED_BY)) || !database.toString().equals(labels.get(DATABASE))) {
            throw new ProblemException(ProblemType.CONFLICT, "the Secret " + name + " in " + namespace
                    + " exists and is not this database's; Berth leaves it alone (remove it or pick another namespace)");
        }
    }

    private static <T> T guarded(String namespace, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            // The status message, never the request (which holds the values).
            boolean unreachable = e.getCode() == 0 || e.getCode() >= 500;
            throw new ProblemException(unreachable ? ProblemType.DEPENDENCY_UNAVAILABLE : ProblemType.INSTANCE_REJECTED,
                    "Kubernetes refused the Secret in " + namespace
                    + ": " + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                            : "HTTP " + e.getCode()));
        }
    }
}
