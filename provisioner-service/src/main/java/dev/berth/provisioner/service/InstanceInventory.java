package dev.berth.provisioner.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.provisioner.instances.EngineDatabases;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.contracts.provisioning.DatabaseSession;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.PostgresDdl;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What is actually on an instance (for the registry's reconciler), live figures of its databases, and the sessions
 * connected to one of them.
 */
@ApplicationScoped
public class InstanceInventory {

    /**
     * Databases and roles found on the server, and the pool databases Berth keeps there. {@code unpoolable}: where
     * PgBouncer fronts the instance, the databases its lookup role may not connect to (PgBouncer cannot check logins
     * there); empty elsewhere.
     */
    public record Inventory(UUID instanceId, List<String> databases, List<String> roles, List<String> poolDatabases,
            List<String> unpoolable, long elapsedMillis) {
    }

    /** One query for every database: the lookup function comes from template1; the grant is per database. */
    private static final String UNPOOLABLE = "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn "
            + "AND datname <> 'postgres' AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
            + PostgresDdl.POOLER_LOOKUP_ROLE + "') AND NOT has_database_privilege('" + PostgresDdl.POOLER_LOOKUP_ROLE
            + "', datname, 'CONNECT') ORDER BY 1";

    @Inject
    dev.berth.provisioner.pooler.PoolerGrants pooler;

    /** Live figures from the server's statistics. */
    public record Stats(long sizeBytes, int connections, OffsetDateTime lastActivityAt, long commits) {
    }

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    EngineDatabases engineDatabases;

    public Uni<Inventory> of(UUID instanceId) {
        long started = System.nanoTime();
        return instances.admin(instanceId).flatMap(admin -> admin.pool()
                        .query("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1").execute()
                        .flatMap(dbs -> admin.pool().query("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
                                .execute()
                                .flatMap(roles -> catalog.preparedQuery("SELECT database_name FROM pool_databases "
                                                + "WHERE instance_id = $1 ORDER BY 1").execute(Tuple.of(instanceId))
                                        .flatMap(pool -> (pooler.fronts(instanceId)
                                                ? admin.pool().query(UNPOOLABLE).execute().map(InstanceInventory::names)
                                                : Uni.createFrom().item(List.<String>of()))
                                                .map(unpoolable -> new Inventory(instanceId, names(dbs), names(roles),
                                                        names(pool), unpoolable,
                                                        (System.nanoTime() - started) / 1_000_000))))))
                .onFailure().transform(e -> SqlStates.translate(e, "reading the inventory of instance " + instanceId));
    }

    /** A database's live figures: PostgreSQL's statistics, or the engine's per-database figures (MariaDB/MySQL). */
    public Uni<Stats> stats(UUID databaseId) {
        return provisioner.requireLogin(databaseId).flatMap(login -> instances.engineOf(login.instanceId())
                .flatMap(engine -> DatabaseProvisioner.POSTGRESQL.equals(engine) ? postgresStats(databaseId)
                        : engineDatabases.figures(login.instanceId(), Engine.of(engine)).map(all -> all.stream()
                                .filter(f -> f.database().equals(login.databaseName())).findFirst()
                                .map(f -> new Stats(f.sizeBytes(), f.connections(), null, f.transactions()))
                                .orElseThrow(() -> new ProblemException(ProblemType.NOT_IMPLEMENTED, engine
                                        + " keeps no figures per database")))));
    }

    private Uni<Stats> postgresStats(UUID databaseId) {
        return onServerOf(databaseId, name -> "reading statistics of " + name, (pool, name) -> pool.preparedQuery(
                        "SELECT pg_database_size(d.oid) AS size, coalesce(s.numbackends, 0) AS connections, "
                                + "coalesce(s.xact_commit, 0) AS commits, (SELECT max(greatest(a.backend_start, "
                                + "a.state_change)) FROM pg_stat_activity a WHERE a.datname = d.datname) AS last "
                                + "FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname = $1")
                .execute(Tuple.of(name))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Stats(r.getLong("size"), r.getInteger("connections"), r.getOffsetDateTime("last"),
                            r.getLong("commits"));
                }));
    }

    /** Figures of every database on an instance in one query (the registry samples them every minute). */
    public Uni<List<DatabaseFigures>> figures(UUID instanceId) {
        return instances.engineOf(instanceId).flatMap(engine -> DatabaseProvisioner.POSTGRESQL.equals(engine)
                ? postgresFigures(instanceId) : engineDatabases.figures(instanceId, Engine.of(engine)));
    }

    private Uni<List<DatabaseFigures>> postgresFigures(UUID instanceId) {
        return instances.admin(instanceId).flatMap(admin -> admin.reads().query(
                        "SELECT d.datname, pg_database_size(d.oid), coalesce(s.numbackends, 0), "
                                + "coalesce(s.xact_commit + s.xact_rollback, 0) FROM pg_database d "
                                + "LEFT JOIN pg_stat_database s ON s.datid = d.oid "
                                + "WHERE NOT d.datistemplate AND d.datallowconn").execute()
                .map(rows -> {
                    List<DatabaseFigures> figures = new ArrayList<>();
                    rows.forEach(r -> figures.add(new DatabaseFigures(r.getString(0), r.getLong(1), r.getInteger(2),
                            r.getLong(3))));
                    return figures;
                }))
                .onFailure().transform(e -> SqlStates.translate(e, "reading the figures of instance " + instanceId));
    }

    /** Who is connected to one app database now (other databases' sessions are never shown). */
    public Uni<List<DatabaseSession>> sessions(UUID databaseId) {
        return onServerOf(databaseId, name -> "reading the sessions of " + name, (pool, name) -> pool.preparedQuery(
                        "SELECT pid, usename, application_name, client_addr::text, state, backend_start, query_start, "
                                + "wait_event_type, wait_event, left(query, 2000) FROM pg_stat_activity "
                                + "WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                                + "ORDER BY backend_start")
                .execute(Tuple.of(name))
                .map(rows -> {
                    List<DatabaseSession> sessions = new ArrayList<>();
                    rows.forEach(r -> sessions.add(new DatabaseSession(r.getInteger(0), r.getString(1),
                            r.getString(2), r.getString(3), r.getString(4), r.getOffsetDateTime(5),
                            r.getOffsetDateTime(6), r.getString(7), r.getString(8), QueryText.masked(r.getString(9)))));
                    return sessions;
                }));
    }

    /** Ends one session of that database; false when no such session is connected to it. */
    public Uni<Boolean> endSession(UUID databaseId, int pid) {
        return onServerOf(databaseId, name -> "ending session " + pid, (pool, name) -> pool.preparedQuery(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND datname = $2")
                .execute(Tuple.of(pid, name))
                .map(rows -> rows.size() == 1 && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))));
    }

    /**
     * One query about an app database, run as the admin of the instance it lives on ({@code query} gets its reads
     * pool and the database's name); a failure becomes a problem saying what was being done.
     */
    private <T> Uni<T> onServerOf(UUID databaseId, Function<String, String> doing,
            BiFunction<Pool, String, Uni<T>> query) {
        return provisioner.requireLogin(databaseId).flatMap(login -> instances.admin(login.instanceId())
                .flatMap(admin -> query.apply(admin.reads(), login.databaseName()))
                .onFailure().transform(e -> SqlStates.translate(e, doing.apply(login.databaseName()))));
    }

    private static List<String> names(Iterable<Row> rows) {
        List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.getString(0)));
        return names;
    }
}
