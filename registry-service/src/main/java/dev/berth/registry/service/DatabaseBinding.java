package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.AppDatabase.Status;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.service.AppService.DatabaseRequest;
import dev.berth.registry.service.Detection.Binding;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Binds a database to an app by the chosen mode — auto (detected from env names), new, existing, external, none —
 * and composes the env a container of the app gets: the connection as a container reaches it.
 */
@ApplicationScoped
public class DatabaseBinding {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    /** The bound database (null: none), whether it was made for this app, the detected bindings and the env. */
    record Bound(UUID databaseId, boolean madeHere, List<Binding> bindings, Map<String, String> env) {
    }

    private record Made(AppDatabase database, ProvisionedLogin login, boolean madeHere) {
    }

    @Inject
    Pool pool;

    @Inject
    DatabaseService databases;

    @Inject
    Detection detection;

    @Inject
    DedicatedInstances dedicatedInstances;

    @Inject
    RegistryConfig config;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    Uni<Bound> bind(UUID appId, String app, DatabaseRequest request, Map<String, String> env, String mode) {
        DatabaseRequest db = request == null ? new DatabaseRequest("auto", null, null, null, null, null, null)
                : request;
        return switch (mode) {
            case "none" -> Uni.createFrom().item(new Bound(null, false, List.of(), env));
            case "external" -> {
                List<Binding> bindings = detection.detectOrDefault(env);
                yield Uni.createFrom().item(new Bound(null, false, bindings,
                        Detection.composeExternal(bindings, db.url(), env)));
            }
            case "existing" -> {
                if (db.id() == null) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, "database.id is required for mode existing");
                }
                yield existing(db.id(), detection.detectOrDefault(env), env);
            }
            case "new", "auto" -> {
                List<Binding> bindings = mode.equals("new") ? detection.detectOrDefault(env, db.engine())
                        : detection.detect(env);
                if (bindings.isEmpty()) {
                    yield Uni.createFrom().item(new Bound(null, false, List.of(), env));
                }
                String engine = Detection.engineOf(bindings, db.engine());
                if (!engine.equals("postgresql") && db.instance() == null) {
                    // Only PostgreSQL has a shared server: an app that asks for another engine gets its own.
                    yield dedicated(appId, app, db, engine, bindings, env);
                }
                yield provisionOrReuse(app, db).map(made -> bound(made, bindings, env));
            }
            case "dedicated" -> {
                String engine = db.engine() == null ? Detection.engineOf(detection.detect(env), null) : db.engine();
                yield dedicated(appId, app, db, engine, detection.detectOrDefault(env, engine), env);
            }
            default -> throw new ProblemException(ProblemType.INVALID_REQUEST, "unknown database mode " + mode);
        };
    }

    /**
     * The app's own instance ({@code app-environment-engine}; made now, or the one an earlier deploy of the app
     * made), and its database on it.
     */
    private Uni<Bound> dedicated(UUID appId, String app, DatabaseRequest db, String engine, List<Binding> bindings,
            Map<String, String> env) {
        String environment = db.environment() == null ? "production" : db.environment();
        String name = app.toLowerCase(java.util.Locale.ROOT).replace('_', '-').replace('.', '-');
        DedicatedInstances.Request request = new DedicatedInstances.Request(name, engine, environment, null,
                db.memoryLimit(), null, false, null);
        return pool.preparedQuery("SELECT id FROM instances WHERE container = $1 AND status NOT IN ('creating', "
                        + "'removing')").execute(Tuple.of(DedicatedInstances.containerOf(request)))
                .flatMap(rows -> rows.size() > 0 ? Uni.createFrom().item(rows.iterator().next().getUUID(0))
                        : dedicatedInstances.create(request, appId).map(DedicatedInstances.Created::id))
                .flatMap(instance -> provisionOrReuse(app, new DatabaseRequest(db.mode(), null, null,
                        instance.toString(), environment, engine, null)))
                .map(made -> bound(made, bindings, env));
    }

    private Bound bound(Made made, List<Binding> bindings, Map<String, String> env) {
        return new Bound(made.database().id(), made.madeHere(), bindings, Detection.compose(bindings,
                connection(made.database(), made.login()), env));
    }

    /** A ready database that exists already, composed into the env with the given bindings. */
    Uni<Bound> existing(UUID databaseId, List<Binding> bindings, Map<String, String> env) {
        return databases.withLogin(databaseId).map(found -> {
            if (found.database().status() != Status.READY) {
                throw new ProblemException(ProblemType.CONFLICT, "database " + databaseId + " is "
                        + found.database().status().db() + ", not ready");
            }
            return new Bound(databaseId, false, bindings, Detection.compose(bindings,
                    connection(found.database(), found.login()), env));
        });
    }

    /**
     * The app's database: a kept one from an earlier deploy of the same app (released from quarantine), else a new
     * one. An app that is redeployed after its container was removed with policy keep gets its data back.
     */
    private Uni<Made> provisionOrReuse(String app, DatabaseRequest db) {
        String environment = db.environment() == null ? "production" : db.environment();
        return pool.preparedQuery("SELECT id, orphaned_at FROM app_databases WHERE app = $1 AND environment = $2 "
                        + "AND status = 'ready' AND NOT EXISTS (SELECT 1 FROM apps a WHERE a.database_id = "
                        + "app_databases.id AND a.removed_at IS NULL) AND ($3::text IS NULL OR instance_id::text = $3 "
                        + "OR instance_id = (SELECT i.id FROM instances i WHERE i.name = $3)) LIMIT 1")
                .execute(Tuple.of(DatabaseNames.app(app), environment, db.instance()))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return databases.create(new DatabaseService.CreateCommand(app, db.instance(), environment,
                                null, null, null, null, null)).map(made -> new Made(made.database(), made.login(), true));
                    }
                    Row row = rows.iterator().next();
                    UUID existing = row.getUUID("id");
                    Uni<Void> release = row.getValue("orphaned_at") == null ? Uni.createFrom().voidItem()
                            : releaseOrphan(existing);
                    return release.chain(() -> databases.withLogin(existing))
                            .map(found -> new Made(found.database(), found.login(), false));
                });
    }

    /** Lifts the quarantine of an orphaned database: login allowed again, no longer an orphan. */
    public Uni<Void> releaseOrphan(UUID databaseId) {
        return guarded(provisioner.allowLogin(databaseId, new ProvisionerClient.LoginState(true)))
                .chain(() -> pool.preparedQuery("UPDATE app_databases SET orphaned_at = NULL, orphan_policy = NULL, "
                        + "purge_after = NULL, quarantined_at = NULL, orphan_of = NULL, updated_at = now() WHERE id = $1")
                        .execute(Tuple.of(databaseId)))
                .replaceWithVoid();
    }

    /**
     * Connection info as a container reaches the database: loopback hosts become the host alias; a dedicated
     * instance is reached on the data network by its container's name.
     */
    ConnectionStrings connection(AppDatabase db, ProvisionedLogin login) {
        String host = db.dedicated() ? db.host() : config.databases().connectHost().orElse(db.host());
        if (LOOPBACK.contains(host)) {
            host = config.apps().hostAlias();
        }
        return ConnectionStrings.of(db.engine(), host, db.connectPort(config.pooler().port()), db.databaseName(),
                login.username(), login.password(), db.sslmode(), db.pooled());
    }
}
