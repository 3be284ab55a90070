package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Instances in the catalog: the default one (the host PostgreSQL from configuration) listed at start, external
 * servers registered through the API after the provisioner proved it can connect as their admin.
 */
@ApplicationScoped
public class InstanceCatalog {

    private static final Logger LOG = Logger.getLogger(InstanceCatalog.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    /** An external server as POST /api/instances receives it. The password goes to the provisioner's vault only. */
    public record Registration(String name, String host, Integer port, String adminUser, String adminPassword,
            String sslmode, Boolean shared, Integer poolSize) {

        @Override
        public String toString() {
            return "Registration[" + name + "]";
        }
    }

    @Inject
    Pool pool;

    @Inject
    RegistryConfig config;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    void onStart(@Observes StartupEvent start) {
        config.defaultInstance().host().ifPresent(host -> pool.preparedQuery("INSERT INTO instances (id, name, engine, "
                        + "host, port, admin_user, status, is_shared) VALUES ($1, $2, 'postgresql', $3, $4, $5, 'unknown', "
                        + "true) ON CONFLICT (id) DO UPDATE SET host = $3, port = $4, admin_user = $5")
                .execute(Tuple.of(DefaultInstance.ID, DefaultInstance.NAME, host, config.defaultInstance().port(),
                        config.defaultInstance().adminUser()))
                .await().atMost(Duration.ofSeconds(30)));
        LOG.debug("default instance listed");
    }

    /** An instance id from an id, a name, or nothing (the default instance). */
    public Uni<UUID> resolve(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) {
            return Uni.createFrom().item(DefaultInstance.ID);
        }
        UUID asId;
        try {
            asId = UUID.fromString(idOrName);
        } catch (IllegalArgumentException notAnId) {
            asId = null;
        }
        UUID id = asId;
        return pool.preparedQuery("SELECT id FROM instances WHERE id = $1 OR name = $2")
                .execute(Tuple.of(id, idOrName))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "no instance '" + idOrName + "'");
                    }
                    return rows.iterator().next().getUUID(0);
                });
    }

    public Uni<UUID> register(Registration r) {
        if (r == null || r.name() == null || !NAME.matcher(r.name()).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME,
                    "name must be 1-40 characters: lower-case letters, digits and '-', starting with a letter");
        }
        if (r.host() == null || r.host().isBlank() || r.adminUser() == null || r.adminPassword() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "host, adminUser and adminPassword are required");
        }
        int port = r.port() == null ? 5432 : r.port();
        if (port < 1 || port > 65535) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "port must be between 1 and 65535");
        }
        UUID id = UUID.randomUUID();
        boolean shared = Boolean.TRUE.equals(r.shared());
        int poolSize = r.poolSize() == null ? 0 : r.poolSize();
        return pool.preparedQuery("SELECT 1 FROM instances WHERE name = $1").execute(Tuple.of(r.name()))
                .invoke(rows -> {
                    if (rows.size() > 0) {
                        throw new ProblemException(ProblemType.CONFLICT, "an instance named " + r.name() + " exists");
                    }
                })
                .chain(() -> guarded(provisioner.register(id, new ProvisionerClient.Endpoint(r.host(), port,
                        r.adminUser(), r.adminPassword(), r.sslmode() == null ? "prefer" : r.sslmode(), poolSize))))
                .chain(() -> pool.preparedQuery("INSERT INTO instances (id, name, engine, host, port, admin_user, status, "
                                + "is_shared) VALUES ($1, $2, 'postgresql', $3, $4, $5, 'ready', $6)")
                        .execute(Tuple.tuple(java.util.List.of(id, r.name(), r.host(), port, r.adminUser(), shared)))
                        .onFailure().call(() -> guarded(provisioner.forget(id))))
                .replaceWith(id);
    }

    /** Refused while the instance still has app databases, and for the default instance. */
    public Uni<Void> remove(UUID id) {
        if (DefaultInstance.ID.equals(id)) {
            throw new ProblemException(ProblemType.CONFLICT, "the default instance comes from configuration and "
                    + "cannot be removed");
        }
        return pool.preparedQuery("SELECT (SELECT count(*) FROM instances WHERE id = $1), (SELECT count(*) FROM "
                        + "app_databases WHERE instance_id = $1 AND status <> 'detached')").execute(Tuple.of(id))
                .invoke(rows -> {
                    var row = rows.iterator().next();
                    if (row.getLong(0) == 0) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "no instance " + id);
                    }
                    if (row.getLong(1) > 0) {
                        throw new ProblemException(ProblemType.CONFLICT, "the instance still has " + row.getLong(1)
                                + " app database(s); delete or detach them first");
                    }
                })
                .chain(() -> guarded(provisioner.forget(id)))
                .chain(() -> pool.preparedQuery("DELETE FROM app_databases WHERE instance_id = $1").execute(Tuple.of(id)))
                .chain(() -> pool.preparedQuery("DELETE FROM instances WHERE id = $1").execute(Tuple.of(id)))
                .replaceWithVoid();
    }
}
