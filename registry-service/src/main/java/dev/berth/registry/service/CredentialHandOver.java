package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.service.AppService.App;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * After a credential rotation, hands the new login to every live app bound to the database: its container is
 * recreated (same name, image, ports, command; env composed again with the new login). Apps admitted by the Podman
 * hook were created by another client, whose full spec Berth does not have: they are listed as not updated, to be
 * redeployed by it.
 */
@ApplicationScoped
public class CredentialHandOver {

    private static final Logger LOG = Logger.getLogger(CredentialHandOver.class);

    /** The apps a credential rotation reached: recreated with the new env, or not (with the reason). */
    public record HandOver(List<String> updated, Map<String, String> notUpdated) {
    }

    @Inject
    Pool pool;

    @Inject
    AppRecords records;

    @Inject
    DatabaseBinding binding;

    @Inject
    KubernetesSecrets secrets;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    public Uni<HandOver> handOver(AppDatabase database, ProvisionedLogin login) {
        return records.boundTo(database.id()).flatMap(bound -> {
            List<String> updated = new CopyOnWriteArrayList<>();
            Map<String, String> notUpdated = new ConcurrentHashMap<>();
            return Multi.createFrom().iterable(bound)
                    .onItem().transformToUniAndConcatenate(app -> recreate(app, database, login)
                            .invoke(() -> updated.add(app.name()))
                            .onFailure().invoke(e -> notUpdated.put(app.name(), e.getMessage()))
                            .onFailure().recoverWithNull())
                    .collect().last()
                    // An app on Kubernetes reads the new login from its Secret (after its next rollout).
                    .call(ignored -> secrets.refresh(database, login).invoke(secret -> secret.ifPresent(s -> {
                        if (s.getValue().isEmpty()) {
                            updated.add(s.getKey());
                        } else {
                            notUpdated.put(s.getKey(), s.getValue());
                        }
                    })))
                    .map(ignored -> new HandOver(List.copyOf(updated), Map.copyOf(notUpdated)));
        });
    }

    private Uni<Void> recreate(App app, AppDatabase database, ProvisionedLogin login) {
        if (!"api".equals(app.origin())) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT, "created through the Podman "
                    + "hook by another client: recreate it there to pick up the new credentials"));
        }
        Map<String, String> env = Detection.compose(app.bindings(), binding.connection(database, login), app.env());
        // "redeploying" keeps the old container's removal event from orphaning the database.
        return pool.preparedQuery("UPDATE apps SET status = 'redeploying', updated_at = now() WHERE id = $1")
                .execute(Tuple.of(app.id()))
                .chain(() -> guarded(provisioner.removeContainer(app.containerId())))
                .chain(() -> guarded(provisioner.createContainer(AppService.containerRequest(app.name(), app.image(),
                        env, app.ports(), database.id(), app.command()))))
                .flatMap(container -> pool.preparedQuery("UPDATE apps SET container_id = $2, status = $3, "
                        + "status_detail = NULL, updated_at = now() WHERE id = $1")
                        .execute(Tuple.of(app.id(), container.id(), container.state())))
                .onFailure().call(e -> pool.preparedQuery("UPDATE apps SET status = 'failed', status_detail = $2, "
                        + "updated_at = now() WHERE id = $1").execute(Tuple.of(app.id(), "recreating with new "
                        + "credentials failed: " + e.getMessage())))
                .invoke(() -> LOG.infof("app %s recreated with the new credentials of %s", app.name(),
                        database.databaseName()))
                .replaceWithVoid();
    }
}
