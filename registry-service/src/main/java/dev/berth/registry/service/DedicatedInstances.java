package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.contracts.provisioning.DedicatedInstanceRequest;
import dev.berth.contracts.provisioning.InstanceStats;
import dev.berth.outbox.quarkus.FaultPoints;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Dedicated instances: database servers Berth runs in containers, named in the catalog as their container is,
 * {@code name-environment-engine} (so one app name can have a PostgreSQL and a Redis, or a staging and a production
 * server). The registry checks the request, writes the
 * instance ({@code creating}) and leases a host port if one is wanted, then the provisioner makes and starts the
 * container; a failure anywhere removes the row and the lease again (the provisioner removes what it made).
 */
@ApplicationScoped
public class DedicatedInstances {

    private static final Logger LOG = Logger.getLogger(DedicatedInstances.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final List<String> ENVIRONMENTS = List.of("production", "staging", "development");
    private static final int PORT_ATTEMPTS = 8;
    private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** {@code POST /api/instances} for a dedicated instance. */
    public record Request(String name, String engine, String environment, String version, String memoryLimit,
            Double cpuLimit, Boolean exposePort, Integer port, String namespace) {

        public Request(String name, String engine, String environment, String version, String memoryLimit,
                Double cpuLimit, Boolean exposePort, Integer port) {
            this(name, engine, environment, version, memoryLimit, cpuLimit, exposePort, port, null);
        }
    }

    /** What was made: the catalog's view, and the admin credentials (shown once). */
    public record Created(UUID id, String container, DedicatedInstance instance) {
    }

    @Inject
    Pool pool;

    @Inject
    PortLeases leases;

    @Inject
    FaultPoints faults;

    @Inject
    RegistryConfig config;

    /** Creates this registry is running: the sweep of interrupted ones leaves them alone. */
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    public Uni<Created> create(Request r, UUID madeForApp) {
        Checked c = check(r);
        UUID id = UUID.randomUUID();
        return pool.preparedQuery("INSERT INTO instances (id, name, engine, host, port, admin_user, status, dedicated, "
                        + "environment, container, memory_bytes, cpus, made_for_app) VALUES ($1, $2, $3, $4, $5, '', "
                        + "'creating', true, $6, $7, $8, $9, $10)")
                .execute(Tuple.tuple(Arrays.asList(id, c.container(), c.engine().wire(), c.host(), c.engine().port(),
                        c.environment(), c.container(), c.memory(), c.cpus(), madeForApp)))
                .onFailure(e -> SqlStates.is(e, SqlStates.UNIQUE_VIOLATION)).transform(e -> new ProblemException(
                        ProblemType.CONFLICT, "an instance " + c.container() + " exists already"))
                .invoke(() -> inFlight.add(id))
                .chain(() -> run(id, c, new HashSet<>(), 1))
                .call(() -> faults.reach("instance.made"))
                .call(made -> ready(id, made))
                .map(made -> new Created(id, c.container(), made))
                .onFailure().call(e -> forget(id, e))
                .onTermination().invoke(() -> inFlight.remove(id));
    }

    private Uni<Void> ready(UUID id, DedicatedInstance made) {
        return pool.preparedQuery("UPDATE instances SET status = 'ready', admin_user = $2, image = $3, version = $4, "
                        + "host_port = $5, updated_at = now() WHERE id = $1")
                .execute(Tuple.tuple(Arrays.asList(id, made.adminUser(), made.image(), made.version(),
                        made.hostPort())))
                .replaceWithVoid();
    }

    /**
     * Creates cut off between the provisioner's answer and the ready mark (a restart of this registry): an instance
     * still {@code creating} after {@code berth.registry.reconcile.stuck-after}, and not being created here, is
     * recorded as ready when the provisioner has it, and forgotten when it does not (the provisioner removed what it
     * had half-made at its own start). Old enough to be no other registry's create in flight.
     */
    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> finishInterrupted() {
        return pool.preparedQuery("SELECT id, name FROM instances WHERE dedicated AND status = 'creating' AND "
                        + "created_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) config.reconcile().stuckAfter().toMillis() / 1000))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .filter(row -> !inFlight.contains(row.getUUID("id")))
                .onItem().transformToUniAndConcatenate(row -> finishInterrupted(row.getUUID("id"), row.getString("name")))
                .collect().last().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("interrupted instance creates not looked at: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> finishInterrupted(UUID id, String name) {
        return guarded(provisioner.instanceContainer(id))
                .flatMap(made -> ready(id, made).invoke(() -> LOG.warnf("instance %s: its create was cut off after "
                        + "the provisioner had made it; recorded as ready", name)))
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 404)
                .recoverWithUni(() -> forget(id, new IllegalStateException("cut off")).invoke(() -> LOG.warnf(
                        "instance %s: its create was cut off before the provisioner had made it; forgotten", name)))
                .onFailure().invoke(e -> LOG.debugf("instance %s: cannot tell yet (%s)", name, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Leases a port (when asked) and has the provisioner run the instance; a port found taken → the next one. */
    private Uni<DedicatedInstance> run(UUID id, Checked c, Set<Integer> skip, int attempt) {
        Uni<Integer> port = !c.expose() ? Uni.createFrom().nullItem()
                : c.port() != null ? leases.lease(id, c.port()) : leases.leaseFree(id, c.engine(), skip);
        return port.flatMap(hostPort -> guarded(provisioner.runInstance(id, new DedicatedInstanceRequest(c.name(),
                        c.environment(), c.engine(), c.container(), c.version(), c.memory(), c.cpus(), hostPort,
                        c.namespace())))
                .onFailure(e -> hostPort != null && c.port() == null && attempt < PORT_ATTEMPTS && portTaken(e))
                .recoverWithUni(() -> {
                    skip.add(hostPort);
                    LOG.infof("host port %d is taken on this host; %s tries the next one", hostPort, c.container());
                    return leases.release(id).chain(() -> run(id, c, skip, attempt + 1));
                }));
    }

    private Uni<Void> forget(UUID id, Throwable cause) {
        LOG.debugf("instance %s not created: %s", id, cause.getMessage());
        return pool.preparedQuery("DELETE FROM instances WHERE id = $1 AND status = 'creating'").execute(Tuple.of(id))
                .replaceWithVoid(); // the lease goes with it (ON DELETE CASCADE)
    }

    public Uni<DedicatedInstance> act(UUID id, String action) {
        return requireDedicated(id).chain(() -> guarded(provisioner.instanceAction(id, action)))
                .call(view -> status(id, statusOf(view), null))
                .call(view -> pool.preparedQuery("UPDATE instances SET image = $2, version = $3 WHERE id = $1")
                        .execute(Tuple.of(id, view.image(), view.version())));
    }

    public Uni<InstanceStats> stats(UUID id) {
        return requireDedicated(id).chain(() -> guarded(provisioner.instanceStats(id)));
    }

    /**
     * Refused while app databases on it are bound to live apps, unless {@code force}; then the container goes (and
     * the volume unless {@code keepVolume}) and the catalog forgets the instance and its databases.
     */
    public Uni<Void> remove(UUID id, boolean keepVolume, boolean force) {
        return requireDedicated(id)
                .chain(() -> pool.preparedQuery("SELECT count(*) FROM app_databases d JOIN apps a ON a.database_id = d.id "
                        + "AND a.removed_at IS NULL WHERE d.instance_id = $1").execute(Tuple.of(id)))
                .invoke(rows -> {
                    long bound = rows.iterator().next().getLong(0);
                    if (bound > 0 && !force) {
                        throw new ProblemException(ProblemType.CONFLICT, bound + " live app(s) use databases on this "
                                + "instance; remove them first, or delete with force=true");
                    }
                })
                .chain(() -> status(id, "removing", null))
                .chain(() -> guarded(provisioner.removeInstance(id, keepVolume))
                        .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 404)
                        .recoverWithNull()
                        // Not removed: say so on the instance (a DELETE again retries; what is gone stays gone).
                        .onFailure().call(e -> pool.preparedQuery("UPDATE instances SET status = 'unhealthy', "
                                        + "status_detail = $2, updated_at = now() WHERE id = $1")
                                .execute(Tuple.of(id, "removing it failed: " + e.getMessage()))))
                .chain(() -> pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM app_databases WHERE instance_id = $1")
                        .execute(Tuple.of(id))
                        .chain(() -> tx.preparedQuery("DELETE FROM instances WHERE id = $1").execute(Tuple.of(id)))))
                .replaceWithVoid();
    }

    /** Instances made for an app whose deploy failed: they go too, so a refused deploy leaves nothing. */
    public Uni<Void> removeMadeFor(UUID appId) {
        return pool.preparedQuery("SELECT i.id FROM instances i WHERE i.made_for_app = $1 AND NOT EXISTS (SELECT 1 "
                        + "FROM app_databases d WHERE d.instance_id = i.id)").execute(Tuple.of(appId))
                .onItem().transformToMulti(rows -> io.smallrye.mutiny.Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> remove(row.getUUID(0), false, true)
                        .onFailure().invoke(e -> LOG.warnf("instance %s of the failed deploy stays: %s", row.getUUID(0),
                                e.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** A status from the instance's events or an action (ignored for instances the catalog no longer has). */
    public Uni<Void> status(UUID id, String status, String detail) {
        return pool.preparedQuery("UPDATE instances SET status = $2, status_detail = $3, updated_at = now() "
                        + "WHERE id = $1 AND dedicated AND status NOT IN ('creating', 'removing')")
                .execute(Tuple.of(id, status, detail)).replaceWithVoid();
    }

    private Uni<Row> requireDedicated(UUID id) {
        return pool.preparedQuery("SELECT dedicated, status FROM instances WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "no instance " + id);
                    }
                    Row row = rows.iterator().next();
                    if (!row.getBoolean("dedicated")) {
                        throw new ProblemException(ProblemType.CONFLICT, "instance " + id + " is not run by Berth "
                                + "(it is the default or an external server): it cannot be started, stopped or "
                                + "measured here");
                    }
                    if ("creating".equals(row.getString("status"))) {
                        throw new ProblemException(ProblemType.CONFLICT, "instance " + id + " is still being created");
                    }
                    return row;
                });
    }

    private static String statusOf(DedicatedInstance view) {
        if (!"running".equals(view.state())) {
            return "stopped";
        }
        return "healthy".equals(view.health()) ? "ready" : view.health();
    }

    private static boolean portTaken(Throwable e) {
        return e instanceof ProblemException p && p.problem().is(ProblemType.PORT_IN_USE);
    }

    /** The container (and catalog name) a request gives: {@code name-environment-engine}; 400 for a bad request. */
    public static String containerOf(Request r) {
        return check(r).container();
    }

    /** A request after checking: every value valid, defaults filled in. */
    private record Checked(String name, Engine engine, String environment, String container, String version,
            Long memory, Double cpus, boolean expose, Integer port, String namespace) {

        /** Where apps and Berth reach it: its name on the data network, or its Service on Kubernetes. */
        String host() {
            return namespace == null ? container : container + "." + namespace + ".svc";
        }
    }

    private static Checked check(Request r) {
        if (r == null || r.name() == null || r.name().length() > 40 || !NAME.matcher(r.name()).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME, "name must be 1–40 characters: lower-case letters, "
                    + "digits and single hyphens between them, starting with a letter");
        }
        Engine engine;
        try {
            engine = Engine.of(r.engine());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, e.getMessage());
        }
        String environment = r.environment() == null ? "production" : r.environment();
        if (!ENVIRONMENTS.contains(environment)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "environment must be one of " + ENVIRONMENTS
                    + ", not '" + environment + "'");
        }
        if (r.version() != null && !r.version().matches("\\d+(\\.\\d+){0,2}")) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "version is a number such as 15 or 10.11");
        }
        boolean expose = Boolean.TRUE.equals(r.exposePort()) || r.port() != null;
        if (r.port() != null && (r.port() < 1024 || r.port() > 65535)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "port must be between 1024 and 65535");
        }
        if (Boolean.FALSE.equals(r.exposePort()) && r.port() != null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "port is given but exposePort is false");
        }
        if (r.namespace() != null && !NAMESPACE.matcher(r.namespace()).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "namespace must be a Kubernetes namespace name "
                    + "(lower-case letters, digits and '-', at most 63)");
        }
        if (r.namespace() != null && expose) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "an instance on Kubernetes is reached through its "
                    + "Service: exposePort and port are for instances on this host");
        }
        return new Checked(r.name(), engine, environment, r.name() + "-" + environment + "-" + engine.wire(),
                r.version(), InstanceLimits.memory(r.memoryLimit()), InstanceLimits.cpus(r.cpuLimit()), expose,
                r.port(), r.namespace());
    }
}
