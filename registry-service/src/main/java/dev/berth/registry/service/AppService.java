package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.outbox.quarkus.FaultPoints;
import dev.berth.registry.client.ProvisionerClient.Port;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.service.Detection.Binding;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Deploys apps ({@code POST /api/apps}): checks the request, binds a database by the chosen mode
 * ({@link DatabaseBinding}), has the provisioner create the container on the data network, and starts, stops and
 * removes it. Hook admissions are {@link Admissions}; credential hand-over after a rotation is
 * {@link CredentialHandOver}; the rows are {@link AppRecords}.
 * A failure at any step undoes the earlier ones (a database made for this deploy is dropped, the app row goes), so a
 * refused deploy leaves nothing.
 */
@ApplicationScoped
public class AppService {

    private static final Logger LOG = Logger.getLogger(AppService.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> MODES = Set.of("auto", "existing", "new", "dedicated", "external", "none");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    public record PortRequest(Integer hostPort, Integer containerPort, String hostIp, String protocol) {
    }

    /**
     * How the app gets its database. {@code engine} (postgresql, mariadb, mysql, redis, mongodb) for mode
     * {@code dedicated}, or to say what auto/new should make when the env names no engine; {@code memoryLimit} for
     * the dedicated instance.
     */
    public record DatabaseRequest(String mode, UUID id, String url, String instance, String environment,
            String engine, String memoryLimit) {

        @Override
        public String toString() {
            return "DatabaseRequest[" + mode + "]";
        }
    }

    /** {@code env} may hold secrets of the app: never logged. */
    public record DeployRequest(String name, String image, Map<String, String> env, List<PortRequest> ports,
            List<String> command, DatabaseRequest database, String deletionPolicy) {

        @Override
        public String toString() {
            return "DeployRequest[" + name + ", " + image + "]";
        }
    }

    /** An app as stored: {@code env} is only what the user gave. */
    public record App(UUID id, String name, String image, Map<String, String> env, List<PortRequest> ports,
            List<String> command, String databaseMode, UUID databaseId, List<Binding> bindings, String deletionPolicy,
            String containerId, String status, String statusDetail, String origin, OffsetDateTime createdAt,
            OffsetDateTime removedAt) {
    }

    @Inject
    Pool pool;

    @Inject
    DatabaseService databases;

    @Inject
    AppRecords records;

    @Inject
    DatabaseBinding binding;

    @Inject
    DedicatedInstances dedicatedInstances;

    @Inject
    Admissions admissions;

    @Inject
    FaultPoints faults;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** Deploys this registry is running: a retry with the same key must not run one twice. */
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();

    public Uni<App> deploy(DeployRequest request) {
        return deploy(request, null);
    }

    /**
     * With an {@code idempotencyKey}, a retry of the same request gets the app the first one made, and finishes it
     * when a restart of this registry cut the first one off (database bound, container not yet asked for).
     */
    public Uni<App> deploy(DeployRequest request, String idempotencyKey) {
        validate(request);
        Map<String, String> env = request.env() == null ? Map.of() : normalized(request.env());
        String mode = request.database() == null || request.database().mode() == null ? "auto"
                : request.database().mode();
        String policy = request.deletionPolicy() == null ? DeletionPolicy.KEEP.word() : request.deletionPolicy();
        if (idempotencyKey == null) {
            return deployNew(UUID.randomUUID(), request, env, mode, policy, null);
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Idempotency-Key must be 1 to 200 characters");
        }
        AppRecords.IdempotencyKey key = new AppRecords.IdempotencyKey(idempotencyKey, DatabaseService.hash(
                records.write(request)));
        return records.appOfKey(key).flatMap(id -> {
            if (id == null) {
                return deployNew(UUID.randomUUID(), request, env, mode, policy, key);
            }
            return records.get(id).flatMap(app -> {
                if (!"deploying".equals(app.status()) || app.containerId() != null) {
                    return Uni.createFrom().item(app);
                }
                if (!inFlight.add(id)) {
                    throw new ProblemException(ProblemType.CONFLICT, "app " + app.name() + " is still being "
                            + "deployed; retry shortly");
                }
                LOG.infof("finishing the deploy of app %s that a restart cut off (same Idempotency-Key)", app.name());
                return records.databaseMade(id)
                        .flatMap(made -> bindAndCreate(id, request, env, mode, app.databaseId() == null ? null
                                : binding.existing(app.databaseId(), app.bindings(), env), made))
                        .onTermination().invoke(() -> inFlight.remove(id));
            });
        });
    }

    private Uni<App> deployNew(UUID id, DeployRequest request, Map<String, String> env, String mode, String policy,
            AppRecords.IdempotencyKey key) {
        inFlight.add(id);
        return records.insertDeploying(id, request, env, mode, policy, "api", key)
                .onFailure(AppRecords.NameTaken.class).recoverWithUni(taken -> records.live(request.name())
                        .map(holder -> {
                            if (holder != null && "deploying".equals(holder.status()) && holder.containerId() == null) {
                                throw new ProblemException(ProblemType.CONFLICT, "an app named " + request.name()
                                        + " is being deployed (since " + holder.createdAt() + "); a deploy that a "
                                        + "restart cut off is undone within 10 minutes, or finished at once by a retry "
                                        + "with its Idempotency-Key");
                            }
                            throw (AppRecords.NameTaken) taken;
                        }))
                .chain(() -> bindAndCreate(id, request, env, mode, null, false))
                .onTermination().invoke(() -> inFlight.remove(id));
    }

    /**
     * Binds the database ({@code rebound}: the one an interrupted deploy bound already), records it, has the
     * container created and the row completed. A failure undoes it all: the database dropped when it was made for
     * this app ({@code madeBefore} or now), the row and any instance made for it removed.
     */
    private Uni<App> bindAndCreate(UUID id, DeployRequest request, Map<String, String> env, String mode,
            Uni<DatabaseBinding.Bound> rebound, boolean madeBefore) {
        // Deferred: a refusal thrown while binding must reach the undo steps below, like any later failure.
        return Uni.createFrom().deferred(() -> rebound != null ? rebound
                        : binding.bind(id, request.name(), request.database(), env, mode))
                .call(bound -> records.recordBinding(id, bound.databaseId(), bound.bindings(), bound.madeHere()))
                .call(() -> faults.reach("deploy.database-bound"))
                .flatMap(bound -> guarded(provisioner.createContainer(containerRequest(request.name(),
                                request.image(), bound.env(), request.ports(), bound.databaseId(), request.command())))
                        .flatMap(container -> pool.preparedQuery("UPDATE apps SET container_id = $2, status = $3, "
                                        + "updated_at = now() WHERE id = $1")
                                .execute(Tuple.of(id, container.id(), container.state()))
                                .invoke(() -> LOG.infof("deployed app %s (%s), database %s", request.name(),
                                        request.image(), bound.databaseId() == null ? "none" : bound.databaseId())))
                        .onFailure().call(() -> madeBefore || bound.madeHere()
                                ? databases.delete(bound.databaseId(), DeletionPolicy.DELETE.word())
                                        .onFailure().invoke(e -> LOG.warnf("could not drop database %s of the failed "
                                                + "deploy of %s: %s", bound.databaseId(), request.name(), e.getMessage()))
                                        .onFailure().recoverWithNull()
                                : Uni.createFrom().voidItem()))
                .onFailure().call(() -> records.delete(id))
                .onFailure().call(() -> dedicatedInstances.removeMadeFor(id))
                .chain(() -> records.get(id));
    }

    public Uni<App> get(UUID id) {
        return records.get(id);
    }

    public Uni<List<App>> list(boolean includeRemoved) {
        return records.list(includeRemoved);
    }

    /** start, stop or restart the app's container. */
    public Uni<App> act(UUID id, String action) {
        // The stored status follows Podman's events (which may arrive before this answer); the answer shows the
        // container's state right after the action.
        return get(id).map(AppService::requireLive).flatMap(app -> guarded(provisioner.containerAction(app.containerId(), action))
                .map(container -> new App(app.id(), app.name(), app.image(), app.env(), app.ports(), app.command(),
                        app.databaseMode(), app.databaseId(), app.bindings(), app.deletionPolicy(), app.containerId(),
                        container.state(), app.statusDetail(), app.origin(), app.createdAt(), app.removedAt())));
    }

    /**
     * Removes the app's container. The app and its database are handled when Podman reports the removal
     * ({@code ContainerRemoved}), the same way as for a container removed by any other tool.
     */
    public Uni<App> remove(UUID id) {
        return get(id).flatMap(found -> found.containerId() == null && found.removedAt() == null
                // Never got a container (a deploy or an admission that did not finish): undone right here.
                ? admissions.abandon(id).replaceWith(found)
                : removeContainer(requireLive(found)));
    }

    private Uni<App> removeContainer(App app) {
        return guarded(provisioner.removeContainer(app.containerId()))
                .chain(() -> pool.preparedQuery("UPDATE apps SET status = 'removing', updated_at = now() WHERE id = $1 "
                        + "AND removed_at IS NULL").execute(Tuple.of(app.id())))
                .chain(() -> get(app.id()));
    }

    private static App requireLive(App app) {
        if (app.removedAt() != null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "app " + app.name() + " was removed");
        }
        if (app.containerId() == null) {
            throw new ProblemException(ProblemType.CONFLICT, "app " + app.name() + " has no container yet");
        }
        return app;
    }

    /** The provisioner's create for an app: the app's name is also its container's name and app label. */
    static ProvisionerClient.ContainerRequest containerRequest(String app, String image,
            Map<String, String> env, List<PortRequest> ports, UUID databaseId, List<String> command) {
        List<Port> published = ports == null ? List.of() : ports.stream()
                .map(p -> new Port(p.hostPort(), p.containerPort(), p.hostIp(), p.protocol())).toList();
        return new ProvisionerClient.ContainerRequest(app, image, env, published, app,
                databaseId == null ? null : databaseId.toString(), Map.of(), command);
    }

    static Map<String, String> normalized(Map<String, String> env) {
        Map<String, String> copy = new LinkedHashMap<>();
        env.forEach((k, v) -> copy.put(k, v == null ? "" : v));
        return copy;
    }

    private static void validate(DeployRequest request) {
        if (request == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a JSON body with name and image is required");
        }
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME, "an app name has 1–63 characters: lower-case "
                    + "letters, digits and '-', starting with a letter or digit");
        }
        if (request.image() == null || request.image().isBlank()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "image is required (e.g. localhost/shop:1)");
        }
        if (request.database() != null && request.database().mode() != null
                && !MODES.contains(request.database().mode())) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "database.mode must be one of auto, new, "
                    + "existing, external, none, dedicated; not '" + request.database().mode() + "'");
        }
        String policy = request.deletionPolicy();
        if (policy != null && DeletionPolicy.of(policy).isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "deletionPolicy must be keep, delete or "
                    + "backup-then-delete; not '" + policy + "'");
        }
        if (request.env() != null) {
            request.env().keySet().forEach(name -> {
                if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, "'" + name + "' is not an environment "
                            + "variable name (letters, digits and '_', not starting with a digit)");
                }
            });
        }
    }
}
