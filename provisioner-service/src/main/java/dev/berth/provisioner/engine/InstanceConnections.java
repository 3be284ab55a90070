package dev.berth.provisioner.engine;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.provisioner.vault.CredentialVault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin connections to the instances: endpoints in {@code instance_endpoints}, passwords in the vault, one small
 * pool per instance built on first use. Registering an instance proves the connection and the admin's rights first.
 */
@ApplicationScoped
public class InstanceConnections {

    static final String ADMIN = "admin";
    private static final int ADMIN_POOL_SIZE = 4;
    /** For quick queries on the server's views (live statistics, sessions, ending one): never queued behind DDL. */
    private static final int READS_POOL_SIZE = 2;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * An admin pool with what the provisioner needs to know about the server behind it. {@code pool} does the work
     * (DDL: a create holds two of its connections for tens of milliseconds, far longer under contention);
     * {@code reads} answers quick reads of the server's views, so a database's page does not wait for someone else's
     * create (a load test showed its p99 going from 20 ms to a second at 32 users when they shared one pool).
     */
    public record Admin(InstanceEndpoint endpoint, Pool pool, Pool reads, int serverVersion, boolean superuser) {
    }

    /** What registering an instance found. */
    public record Probe(String serverVersion, int serverVersionNum) {
    }

    @Inject
    Pool catalog;

    @Inject
    Vertx vertx;

    /** How long a replaced admin pool stays open for the work already on it (a create takes well under a minute). */
    private static final long RETIRE_AFTER_MS = 60_000;

    @Inject
    CredentialVault vault;

    private final Map<UUID, Uni<Admin>> admins = new ConcurrentHashMap<>();

    /** Tests the connection and the admin's rights, then stores endpoint and password; refuses with 422. */
    public Uni<Probe> register(InstanceEndpoint endpoint, String password, int poolSize) {
        Pool probe = build(endpoint, password, 1, "berth-probe-");
        return probe.query("SELECT current_setting('server_version') AS version, "
                        + "current_setting('server_version_num')::int AS num, r.rolsuper, r.rolcreatedb, r.rolcreaterole "
                        + "FROM pg_roles r WHERE r.rolname = current_user").execute()
                .onFailure().transform(e -> new ProblemException(ProblemType.INSTANCE_REJECTED,
                        "cannot connect to " + endpoint.host() + ":" + endpoint.port() + " as " + endpoint.adminUser()
                                + ": " + SqlStates.translate(e, "connect").getMessage()))
                .eventually(probe::close)
                .map(rows -> {
                    Row row = rows.iterator().next();
                    boolean canProvision = row.getBoolean("rolsuper")
                            || row.getBoolean("rolcreatedb") && row.getBoolean("rolcreaterole");
                    if (!canProvision) {
                        throw new ProblemException(ProblemType.INSTANCE_REJECTED, "the admin user "
                                + endpoint.adminUser() + " needs CREATEDB and CREATEROLE (or superuser) on "
                                + endpoint.host() + ":" + endpoint.port());
                    }
                    return new Probe(row.getString("version"), row.getInteger("num"));
                })
                .call(found -> catalog.withTransaction(tx -> store(tx, endpoint, password, poolSize, "postgresql")))
                .invoke(() -> close(endpoint.instanceId()));
    }

    /** Stores (or replaces) an instance's endpoint and seals its admin password, in the caller's transaction. */
    public Uni<Void> store(SqlConnection tx, InstanceEndpoint endpoint, String password, int poolSize, String engine) {
        return tx.preparedQuery("INSERT INTO instance_endpoints (instance_id, host, port, admin_user, sslmode, pool_size, "
                        + "engine) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (instance_id) DO UPDATE SET host = $2, "
                        + "port = $3, admin_user = $4, sslmode = $5, pool_size = $6, engine = $7, updated_at = now()")
                .execute(Tuple.tuple(java.util.List.of(endpoint.instanceId(), endpoint.host(), endpoint.port(),
                        endpoint.adminUser(), endpoint.sslmode(), poolSize, engine)))
                .call(() -> vault.store(tx, "instance", endpoint.instanceId().toString(), ADMIN, password))
                .invoke(() -> close(endpoint.instanceId()))
                .replaceWithVoid();
    }

    /** A dedicated instance got another address (its container was recreated or restarted): use it from now on. */
    public Uni<Void> moved(UUID instanceId, String host) {
        return catalog.preparedQuery("UPDATE instance_endpoints SET host = $2, updated_at = now() WHERE instance_id = $1 "
                        + "AND host <> $2").execute(Tuple.of(instanceId, host))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        close(instanceId);
                    }
                })
                .replaceWithVoid();
    }

    /** The admin endpoint of an instance; 404 when the provisioner does not know it. */
    public Uni<InstanceEndpoint> endpointOf(UUID instanceId) {
        return endpoint(instanceId);
    }

    /** Which engine an instance runs ({@code postgresql} for the default and external ones). */
    public Uni<String> engineOf(UUID instanceId) {
        return catalog.preparedQuery("SELECT engine FROM instance_endpoints WHERE instance_id = $1")
                .execute(Tuple.of(instanceId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "the provisioner does not know instance "
                                + instanceId);
                    }
                    return rows.iterator().next().getString(0);
                });
    }

    /** The admin pool of a PostgreSQL instance; 404 when the provisioner does not know it. */
    public Uni<Admin> admin(UUID instanceId) {
        return admins.computeIfAbsent(instanceId, id -> open(id).memoize().indefinitely())
                .onFailure().invoke(() -> admins.remove(instanceId));
    }

    /** A single admin connection to one database of the instance, for statements that must run inside it. */
    public Uni<PgConnection> connectTo(UUID instanceId, String database) {
        return endpoint(instanceId).flatMap(endpoint -> password(instanceId)
                .flatMap(password -> PgConnection.connect(vertx, options(endpoint, password).setDatabase(database))));
    }

    public Uni<Void> forget(UUID instanceId) {
        close(instanceId);
        return catalog.withTransaction(tx -> tx.preparedQuery("DELETE FROM instance_endpoints WHERE instance_id = $1")
                .execute(Tuple.of(instanceId))
                .call(() -> tx.preparedQuery("DELETE FROM pool_databases WHERE instance_id = $1").execute(Tuple.of(instanceId)))
                .call(() -> vault.forget(tx, "instance", instanceId.toString()))
                .replaceWithVoid());
    }

    /** The PostgreSQL instances the provisioner can reach (the ones a warm pool can be kept on). */
    public Uni<java.util.List<UUID>> known() {
        return catalog.query("SELECT instance_id FROM instance_endpoints WHERE engine = 'postgresql'").execute()
                .map(rows -> {
                    java.util.List<UUID> ids = new java.util.ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                });
    }

    public Uni<Integer> poolSize(UUID instanceId) {
        return catalog.preparedQuery("SELECT pool_size FROM instance_endpoints WHERE instance_id = $1")
                .execute(Tuple.of(instanceId))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
    }

    private Uni<Admin> open(UUID instanceId) {
        return engineOf(instanceId).flatMap(engine -> {
            if (!"postgresql".equals(engine)) {
                throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "instance " + instanceId + " runs " + engine
                        + ": this works on PostgreSQL instances only");
            }
            return endpoint(instanceId);
        }).flatMap(endpoint -> password(instanceId).flatMap(password -> {
            Pool pool = build(endpoint, password, ADMIN_POOL_SIZE, "berth-admin-");
            Pool reads = build(endpoint, password, READS_POOL_SIZE, "berth-reads-");
            return pool.query("SELECT current_setting('server_version_num')::int, rolsuper FROM pg_roles "
                            + "WHERE rolname = current_user").execute()
                    .map(rows -> new Admin(endpoint, pool, reads, rows.iterator().next().getInteger(0),
                            rows.iterator().next().getBoolean(1)))
                    .onFailure().call(() -> reads.close().eventually(pool::close))
                    .onFailure().transform(e -> SqlStates.translate(e, "connecting to instance " + instanceId));
        }));
    }

    private Uni<InstanceEndpoint> endpoint(UUID instanceId) {
        return catalog.preparedQuery("SELECT host, port, admin_user, sslmode FROM instance_endpoints WHERE instance_id = $1")
                .execute(Tuple.of(instanceId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemType.NOT_FOUND, "the provisioner does not know instance "
                                + instanceId);
                    }
                    Row r = rows.iterator().next();
                    return new InstanceEndpoint(instanceId, r.getString("host"), r.getInteger("port"),
                            r.getString("admin_user"), r.getString("sslmode"));
                });
    }

    /** The admin password, for tools that must connect themselves (pg_dump, pg_restore); never logged. */
    public Uni<String> adminPassword(UUID instanceId) {
        return password(instanceId);
    }

    private Uni<String> password(UUID instanceId) {
        return vault.read("instance", instanceId.toString(), ADMIN).map(found -> found.orElseThrow(
                () -> new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "no admin password is stored for instance "
                        + instanceId + "; register it again")));
    }

    private Pool build(InstanceEndpoint endpoint, String password, int size, String name) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size).setName(name + endpoint.instanceId()))
                .connectingTo(options(endpoint, password))
                .using(vertx)
                .build();
    }

    private static PgConnectOptions options(InstanceEndpoint endpoint, String password) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(endpoint.host()).setPort(endpoint.port())
                .setUser(endpoint.adminUser()).setPassword(password)
                .setDatabase("postgres")
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        options.addProperty("application_name", "berth-provisioner");
        if ("require".equals(endpoint.sslmode())) {
            // libpq's "require": encrypted, certificate not verified (verify-* modes would need the CA).
            options.setSslMode(SslMode.REQUIRE).setTrustAll(true);
        } else if ("prefer".equals(endpoint.sslmode())) {
            options.setSslMode(SslMode.PREFER).setTrustAll(true);
        } else {
            options.setSslMode(SslMode.DISABLE);
        }
        return options;
    }

    /**
     * Drops the cached admin pool so the next call opens one with the stored settings. The old pool closes only after
     * {@link #RETIRE_AFTER_MS}: work already running on it (the start's recovery, a create) finishes there instead of
     * failing with "Pool closed" — at start the default instance's registration re-stores its endpoint while both run.
     */
    private void close(UUID instanceId) {
        retire(admins.remove(instanceId), RETIRE_AFTER_MS);
    }

    private void retire(Uni<Admin> previous, long afterMs) {
        if (previous != null) {
            previous.subscribe().with(admin -> {
                if (afterMs == 0) {
                    closeBoth(admin);
                } else {
                    vertx.setTimer(afterMs, t -> closeBoth(admin));
                }
            }, e -> { });
        }
    }

    private static void closeBoth(Admin admin) {
        admin.pool().close().subscribe().with(v -> { }, e -> { });
        admin.reads().close().subscribe().with(v -> { }, e -> { });
    }

    @PreDestroy
    void closeAll() {
        admins.keySet().forEach(id -> retire(admins.remove(id), 0));
    }

}
