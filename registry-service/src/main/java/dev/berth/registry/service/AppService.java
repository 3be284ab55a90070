package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.client.ProvisionerClient.Port;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.AppDatabase.Status;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.service.Detection.Binding;
import dev.berth.registry.service.Detection;
import dev.berth.registry.service.ProvisionerCalls;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Deploys apps: checks the request, binds a database by the chosen mode (auto: detected from env names; new;
 * existing; external; none), composes the env and has the provisioner create the container on the data network.
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

    public record DatabaseRequest(String mode, UUID id, String url, String instance, String environment) {

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

    private record Bound(UUID databaseId, boolean madeHere, List<Binding> bindings, Map<String, String> env) {
    }

    @Inject
    Pool pool;

    @Inject
    DatabaseService databases;

    @Inject
    Detection detection;

    @Inject
    RegistryConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    public Uni<App> deploy(DeployRequest request) {
        validate(request);
        Map<String, String> env = request.env() == null ? Map.of() : normalized(request.env());
        String mode = request.database() == null || request.database().mode() == null ? "auto"
                : request.database().mode();
        String policy = request.deletionPolicy() == null ? DatabaseService.KEEP : request.deletionPolicy();
        UUID id = UUID.randomUUID();
        return insertDeploying(id, request, env, mode, policy, "api")
                .chain(() -> bind(request, env, mode))
                .flatMap(bound -> guarded(provisioner.createContainer(containerRequest(request.name(),
                                request.image(), bound.env(), request.ports(), bound.databaseId(), request.command())))
                        .flatMap(container -> pool.preparedQuery("UPDATE apps SET container_id = $2, status = $3, "
                                        + "database_id = $4, bindings = $5::jsonb, database_made = $6, "
                                        + "updated_at = now() WHERE id = $1")
                                .execute(Tuple.from(Arrays.asList(id, container.id(), container.state(),
                                        bound.databaseId(), write(bound.bindings()), bound.madeHere())))
                                .invoke(() -> LOG.infof("deployed app %s (%s), database %s", request.name(),
                                        request.image(), bound.databaseId() == null ? "none" : bound.databaseId())))
                        .onFailure().call(() -> bound.madeHere()
                                ? databases.delete(bound.databaseId(), DatabaseService.DELETE)
                                        .onFailure().invoke(e -> LOG.warnf("could not drop database %s of the failed "
                                                + "deploy of %s: %s", bound.databaseId(), request.name(), e.getMessage()))
                                        .onFailure().recoverWithNull()
                                : Uni.createFrom().voidItem()))
                .onFailure().call(() -> pool.preparedQuery("DELETE FROM apps WHERE id = $1").execute(Tuple.of(id)))
                .chain(() -> get(id));
    }

    private Uni<Void> insertDeploying(UUID id, DeployRequest request, Map<String, String> env, String mode,
            String policy, String origin) {
        return pool.preparedQuery("INSERT INTO apps (id, name, image, env, ports, command, database_mode, "
                        + "deletion_policy, status, origin) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, "
                        + "'deploying', $9)")
                .execute(Tuple.from(List.of(id, request.name(), request.image(), write(env),
                        write(request.ports() == null ? List.of() : request.ports()),
                        write(request.command() == null ? List.of() : request.command()), mode, policy, origin)))
                .onFailure(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()))
                .transform(e -> new ProblemException(ProblemType.CONFLICT, "an app named " + request.name()
                        + " exists already"))
                .replaceWithVoid();
    }

    private Uni<Bound> bind(DeployRequest request, Map<String, String> env, String mode) {
        DatabaseRequest db = request.database() == null ? new DatabaseRequest("auto", null, null, null, null)
                : request.database();
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
                List<Binding> bindings = detection.detectOrDefault(env);
                yield databases.withLogin(db.id()).map(found -> {
                    if (found.database().status() != Status.READY) {
                        throw new ProblemException(ProblemType.CONFLICT, "database " + db.id() + " is "
                                + found.database().status().db() + ", not ready");
                    }
                    return new Bound(db.id(), false, bindings, Detection.compose(bindings,
                            connection(found.database(), found.login()), env));
                });
            }
            case "new", "auto" -> {
                List<Binding> bindings = mode.equals("new") ? detection.detectOrDefault(env) : detection.detect(env);
                if (bindings.isEmpty()) {
                    yield Uni.createFrom().item(new Bound(null, false, List.of(), env));
                }
                yield provisionOrReuse(request.name(), db).map(made -> new Bound(made.database().id(),
                        made.madeHere(), bindings, Detection.compose(bindings,
                                connection(made.database(), made.login()), env)));
            }
            default -> throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "database mode dedicated needs "
                    + "dedicated instances, which are not available yet; use auto, new, existing, external or none");
        };
    }

    private record Made(AppDatabase database, ProvisionerClient.Login login, boolean madeHere) {
    }

    /**
     * The app's database: a kept one from an earlier deploy of the same app (released from quarantine), else a new
     * one. An app that is redeployed after its container was removed with policy keep gets its data back.
     */
    private Uni<Made> provisionOrReuse(String app, DatabaseRequest db) {
        String environment = db.environment() == null ? "production" : db.environment();
        return pool.preparedQuery("SELECT id, orphaned_at FROM app_databases WHERE app = $1 AND environment = $2 "
                        + "AND status = 'ready' AND NOT EXISTS (SELECT 1 FROM apps a WHERE a.database_id = "
                        + "app_databases.id AND a.removed_at IS NULL) LIMIT 1")
                .execute(Tuple.of(DatabaseNames.app(app), environment))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return databases.create(new DatabaseService.CreateCommand(app, db.instance(), environment,
                                null, null, null, null)).map(made -> new Made(made.database(), made.login(), true));
                    }
                    Row row = rows.iterator().next();
                    UUID existing = row.getUUID("id");
                    Uni<Void> release = row.getValue("orphaned_at") == null ? Uni.createFrom().voidItem()
                            : releaseOrphan(existing);
                    return release.chain(() -> databases.withLogin(existing))
                            .map(found -> new Made(found.database(), found.login(), false));
                });
    }

    /** What the Podman hook should do to a container create: {@code env} null = leave it as it is. */
    public record Admission(UUID appId, String app, UUID databaseId, Map<String, String> env) {

        @Override
        public String toString() {
            return "Admission[" + app + ", database " + databaseId + "]";
        }
    }

    /**
     * A container create seen by the Podman hook: label {@code berth.database=none} opts out, a database id binds
     * that database, otherwise env names are detected as for {@code POST /api/apps} (mode auto). When a database is
     * bound, the app is recorded (its container id arrives with {@code ContainerCreated}) and the composed env is
     * returned for the hook to put into the create.
     */
    public Uni<Admission> admit(String containerName, String image, Map<String, String> env,
            Map<String, String> labels) {
        Map<String, String> given = env == null ? Map.of() : normalized(env);
        Map<String, String> labelMap = labels == null ? Map.of() : labels;
        String binding = labelMap.get(ContainerLabels.DATABASE);
        if (ContainerLabels.NO_DATABASE.equals(binding)) {
            return Uni.createFrom().item(new Admission(null, null, null, null));
        }
        String mode;
        UUID existing = null;
        if (binding != null && !binding.isBlank()) {
            try {
                existing = UUID.fromString(binding);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "label berth.database must be none or a "
                        + "database id, not '" + binding + "'");
            }
            mode = "existing";
        } else {
            if (detection.detect(given).isEmpty()) {
                return Uni.createFrom().item(new Admission(null, null, null, null));
            }
            mode = "auto";
        }
        String app = appName(labelMap.getOrDefault(ContainerLabels.APP, containerName),
                image);
        DeployRequest request = new DeployRequest(app, image, given, List.of(), List.of(),
                new DatabaseRequest(mode, existing, null, null, null), DatabaseService.KEEP);
        UUID id = UUID.randomUUID();
        return insertDeploying(id, request, given, mode, DatabaseService.KEEP, "hook")
                .chain(() -> bind(request, given, mode))
                .call(bound -> pool.preparedQuery("UPDATE apps SET database_id = $2, bindings = $3::jsonb, "
                                + "database_made = $4, status = 'admitted', updated_at = now() WHERE id = $1")
                        .execute(Tuple.from(Arrays.asList(id, bound.databaseId(), write(bound.bindings()),
                                bound.madeHere()))))
                .onFailure().call(() -> pool.preparedQuery("DELETE FROM apps WHERE id = $1").execute(Tuple.of(id)))
                .map(bound -> new Admission(id, app, bound.databaseId(), bound.env()));
    }

    /** Podman refused the create the hook admitted: the app row goes, and a database made for it is dropped. */
    public Uni<Void> abandon(UUID appId) {
        return pool.preparedQuery("DELETE FROM apps WHERE id = $1 AND container_id IS NULL "
                        + "RETURNING database_id, database_made").execute(Tuple.of(appId))
                .flatMap(rows -> {
                    Row row = rows.size() == 0 ? null : rows.iterator().next();
                    return row == null || !row.getBoolean("database_made") ? Uni.createFrom().voidItem()
                            : databases.delete(row.getUUID("database_id"), DatabaseService.DELETE);
                });
    }

    /** An app name from a container name or, without one, from the image. */
    static String appName(String containerName, String image) {
        String base = containerName;
        if (base == null || base.isBlank()) {
            String last = image == null ? "app" : image.substring(image.lastIndexOf('/') + 1);
            base = last.replaceAll("[:@].*$", "") + "-" + UUID.randomUUID().toString().substring(0, 6);
        }
        String cleaned = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("^-+", "");
        if (cleaned.isEmpty()) {
            cleaned = "app-" + UUID.randomUUID().toString().substring(0, 6);
        }
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }

    /** Lifts the quarantine of an orphaned database: login allowed again, no longer an orphan. */
    public Uni<Void> releaseOrphan(UUID databaseId) {
        return guarded(provisioner.allowLogin(databaseId, new ProvisionerClient.LoginState(true)))
                .chain(() -> pool.preparedQuery("UPDATE app_databases SET orphaned_at = NULL, orphan_policy = NULL, "
                        + "purge_after = NULL, quarantined_at = NULL, orphan_of = NULL, updated_at = now() WHERE id = $1")
                        .execute(Tuple.of(databaseId)))
                .replaceWithVoid();
    }

    /** Connection info as a container reaches the database: loopback hosts become the host alias. */
    private ConnectionStrings connection(AppDatabase db, ProvisionerClient.Login login) {
        String host = config.databases().connectHost().orElse(db.host());
        if (LOOPBACK.contains(host)) {
            host = config.apps().hostAlias();
        }
        return ConnectionStrings.of(host, db.port(), db.databaseName(), login.username(), login.password(),
                db.sslmode());
    }

    public Uni<App> get(UUID id) {
        return pool.preparedQuery("SELECT * FROM apps WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                throw new ProblemException(ProblemType.NOT_FOUND, "no app " + id);
            }
            return of(rows.iterator().next());
        });
    }

    /** Live apps (not removed), newest first; with {@code includeRemoved} the history too. */
    public Uni<List<App>> list(boolean includeRemoved) {
        return pool.query("SELECT * FROM apps" + (includeRemoved ? "" : " WHERE removed_at IS NULL")
                + " ORDER BY created_at DESC").execute().map(rows -> {
                    List<App> apps = new ArrayList<>();
                    rows.forEach(r -> apps.add(of(r)));
                    return apps;
                });
    }

    /** The apps a credential rotation reached: recreated with the new env, or not (with the reason). */
    public record HandOver(List<String> updated, Map<String, String> notUpdated) {
    }

    /**
     * Hands new credentials to every live app bound to the database: its container is recreated (same name, image,
     * ports, command; env composed again with the new login). Apps admitted by the Podman hook were created by
     * another client, whose full spec Berth does not have: they are listed as not updated, to be redeployed by it.
     */
    public Uni<HandOver> handOver(AppDatabase database, ProvisionerClient.Login login) {
        return pool.preparedQuery("SELECT * FROM apps WHERE database_id = $1 AND removed_at IS NULL "
                        + "AND container_id IS NOT NULL ORDER BY name").execute(Tuple.of(database.id()))
                .flatMap(rows -> {
                    List<App> bound = new ArrayList<>();
                    rows.forEach(r -> bound.add(of(r)));
                    List<String> updated = new CopyOnWriteArrayList<>();
                    Map<String, String> notUpdated = new ConcurrentHashMap<>();
                    return Multi.createFrom().iterable(bound)
                            .onItem().transformToUniAndConcatenate(app -> recreate(app, database, login)
                                    .invoke(() -> updated.add(app.name()))
                                    .onFailure().invoke(e -> notUpdated.put(app.name(), e.getMessage()))
                                    .onFailure().recoverWithNull())
                            .collect().last()
                            .map(ignored -> new HandOver(List.copyOf(updated), Map.copyOf(notUpdated)));
                });
    }

    private Uni<Void> recreate(App app, AppDatabase database, ProvisionerClient.Login login) {
        if (!"api".equals(app.origin())) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT, "created through the Podman "
                    + "hook by another client: recreate it there to pick up the new credentials"));
        }
        Map<String, String> env = Detection.compose(app.bindings(), connection(database, login), app.env());
        // "redeploying" keeps the old container's removal event from orphaning the database.
        return pool.preparedQuery("UPDATE apps SET status = 'redeploying', updated_at = now() WHERE id = $1")
                .execute(Tuple.of(app.id()))
                .chain(() -> guarded(provisioner.removeContainer(app.containerId())))
                .chain(() -> guarded(provisioner.createContainer(containerRequest(app.name(), app.image(), env,
                        app.ports(), database.id(), app.command()))))
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

    /** start, stop or restart the app's container. */
    public Uni<App> act(UUID id, String action) {
        // The stored status follows Podman's events (which may arrive before this answer); the answer shows the
        // container's state right after the action.
        return live(id).flatMap(app -> guarded(provisioner.containerAction(app.containerId(), action))
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
                ? abandon(id).replaceWith(found)
                : removeContainer(requireLive(found)));
    }

    /**
     * Admissions and deploys that never got a container (the hook or the registry stopped in between) are undone
     * after ten minutes.
     */
    public Uni<Void> abandonStale() {
        return pool.query("SELECT id FROM apps WHERE container_id IS NULL AND removed_at IS NULL AND status IN "
                        + "('deploying', 'admitted') AND created_at < now() - interval '10 minutes'").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> abandon(row.getUUID("id")).onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    private Uni<App> removeContainer(App app) {
        return guarded(provisioner.removeContainer(app.containerId()))
                .chain(() -> pool.preparedQuery("UPDATE apps SET status = 'removing', updated_at = now() WHERE id = $1 "
                        + "AND removed_at IS NULL").execute(Tuple.of(app.id())))
                .chain(() -> get(app.id()));
    }

    private Uni<App> live(UUID id) {
        return get(id).map(AppService::requireLive);
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

    private App of(Row r) {
        return new App(r.getUUID("id"), r.getString("name"), r.getString("image"),
                read(r.getValue("env"), new TypeReference<Map<String, String>>() { }),
                read(r.getValue("ports"), new TypeReference<List<PortRequest>>() { }),
                read(r.getValue("command"), new TypeReference<List<String>>() { }), r.getString("database_mode"),
                r.getUUID("database_id"), read(r.getValue("bindings"), new TypeReference<List<Binding>>() { }),
                r.getString("deletion_policy"), r.getString("container_id"), r.getString("status"),
                r.getString("status_detail"), r.getString("origin"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("removed_at"));
    }

    private <T> T read(Object value, TypeReference<T> type) {
        try {
            return json.readValue(value.toString(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable app column: " + e.getOriginalMessage(), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The provisioner's create for an app: the app's name is also its container's name and app label. */
    private static ProvisionerClient.ContainerRequest containerRequest(String app, String image,
            Map<String, String> env, List<PortRequest> ports, UUID databaseId, List<String> command) {
        List<Port> published = ports == null ? List.of() : ports.stream()
                .map(p -> new Port(p.hostPort(), p.containerPort(), p.hostIp(), p.protocol())).toList();
        return new ProvisionerClient.ContainerRequest(app, image, env, published, app,
                databaseId == null ? null : databaseId.toString(), Map.of(), command);
    }

    private static Map<String, String> normalized(Map<String, String> env) {
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
        if (request.database() != null && "dedicated".equals(request.database().mode())) {
            throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "database mode dedicated needs dedicated "
                    + "instances, which are not available yet; use auto, new, existing, external or none");
        }
        String policy = request.deletionPolicy();
        if (policy != null && !Set.of(DatabaseService.KEEP, DatabaseService.DELETE, DatabaseService.BACKUP_THEN_DELETE)
                .contains(policy)) {
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
