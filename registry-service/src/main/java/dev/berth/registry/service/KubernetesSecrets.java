package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.AppDatabase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * An app database's credentials kept in a Kubernetes Secret named after the app ({@code orders}, or
 * {@code orders-staging} outside production), one key per variable of its env bundle, for {@code envFrom:
 * secretRef}. The provisioner writes it (it holds the cluster client); the registry remembers where, rewrites it when
 * the credentials or the pooling change, and removes it with the database.
 */
@ApplicationScoped
public class KubernetesSecrets {

    private static final Logger LOG = Logger.getLogger(KubernetesSecrets.class);

    /** Where a database's Secret is and which keys it holds (never the values). */
    public record Placed(String namespace, String name, java.util.List<String> keys) {
    }

    @Inject
    Pool pool;

    @Inject
    DatabaseService databases;

    @Inject
    RegistryConfig config;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** Writes (or rewrites) the database's Secret in {@code namespace}; audited as a reveal by {@code actor}. */
    public Uni<Placed> write(UUID id, String namespace, String actor) {
        if (namespace == null || namespace.isBlank()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "a JSON body {\"namespace\": \"…\"} naming the app's namespace is required");
        }
        return databases.withLogin(id).flatMap(found -> placed(id).flatMap(before -> {
            if (before.isPresent() && !before.get().namespace().equals(namespace)) {
                throw new ProblemException(ProblemType.CONFLICT, "the credentials of " + id + " are in a Secret in "
                        + before.get().namespace() + " already; remove it first (DELETE …/kubernetes-secret)");
            }
            String name = nameFor(found.database());
            return guarded(provisioner.writeSecret(namespace, name, new ProvisionerClient.SecretRequest(id,
                            bundle(found.database(), found.login()))))
                    .call(written -> pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO kubernetes_secrets "
                                    + "(database_id, namespace, name) VALUES ($1, $2, $3) ON CONFLICT (database_id) "
                                    + "DO UPDATE SET written_at = now()").execute(Tuple.of(id, namespace, name))
                            .call(() -> tx.preparedQuery("INSERT INTO audit_events (actor, action, subject) VALUES "
                                    + "($1, 'credentials.secret-written', $2)")
                                    .execute(Tuple.of(actor, id + " " + namespace + "/" + name)))))
                    .map(written -> new Placed(written.namespace(), written.name(), written.keys()));
        }));
    }

    /** Where the database's Secret is, if it has one. */
    public Uni<Optional<Placed>> placed(UUID id) {
        return pool.preparedQuery("SELECT namespace, name FROM kubernetes_secrets WHERE database_id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next())));
    }

    /**
     * After new credentials or a pooling switch: the Secret again, with the new bundle. Empty when the database has
     * none; otherwise the Secret's label for the hand-over and whether it was written (the reason when not).
     */
    public Uni<Optional<Map.Entry<String, String>>> refresh(AppDatabase database, ProvisionedLogin login) {
        return placed(database.id()).flatMap(placed -> {
            if (placed.isEmpty()) {
                return Uni.createFrom().item(Optional.<Map.Entry<String, String>>empty());
            }
            String label = "kubernetes-secret " + placed.get().namespace() + "/" + placed.get().name();
            return guarded(provisioner.writeSecret(placed.get().namespace(), placed.get().name(),
                            new ProvisionerClient.SecretRequest(database.id(), bundle(database, login))))
                    .map(w -> Optional.of(Map.entry(label, "")))
                    .onFailure().recoverWithItem(e -> Optional.of(Map.entry(label, e.getMessage())));
        });
    }

    /** Removes the database's Secret (and the record of it); a database without one is fine. */
    public Uni<Void> remove(UUID id) {
        return placed(id).flatMap(placed -> placed.isEmpty() ? Uni.createFrom().voidItem()
                : guarded(provisioner.deleteSecret(placed.get().namespace(), placed.get().name(), id))
                        .chain(() -> pool.preparedQuery("DELETE FROM kubernetes_secrets WHERE database_id = $1")
                                .execute(Tuple.of(id)))
                        .replaceWithVoid());
    }

    /** On a drop: the Secret goes too; if Kubernetes cannot be reached the drop goes on and says so in the log. */
    public Uni<Void> removeQuietly(UUID id) {
        return remove(id).onFailure().invoke(e -> LOG.warnf("the Kubernetes Secret of database %s stays (remove it "
                + "by hand): %s", id, e.getMessage())).onFailure().recoverWithNull();
    }

    static String nameFor(AppDatabase d) {
        String environment = d.environment() == null ? "production" : d.environment();
        String base = "production".equals(environment) ? d.app() : d.app() + "-" + environment;
        return base.replace('_', '-');
    }

    private Map<String, String> bundle(AppDatabase d, ProvisionedLogin login) {
        ConnectionStrings strings = ConnectionStrings.forClients(d, login, config.databases().connectHost().orElse(null),
                config.pooler().port());
        Map<String, String> data = new LinkedHashMap<>(strings.env());
        if (strings.jdbc() != null) {
            data.put("JDBC_DATABASE_URL", strings.jdbc());
        }
        return data;
    }

    private static Placed of(Row row) {
        return new Placed(row.getString("namespace"), row.getString("name"), null);
    }
}
