package dev.berth.provisioner.service;

import dev.berth.contracts.problem.SqlStates;
import dev.berth.provisioner.engine.InstanceConnections;
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

/** What is actually on an instance (for the registry's reconciler) and live figures of one database. */
@ApplicationScoped
public class InstanceInventory {

    /** Databases and roles found on the server, and the pool databases Berth keeps there. */
    public record Inventory(UUID instanceId, List<String> databases, List<String> roles, List<String> poolDatabases,
            long elapsedMillis) {
    }

    /** Live figures from the server's statistics. */
    public record Stats(long sizeBytes, int connections, OffsetDateTime lastActivityAt, long commits) {
    }

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    DatabaseProvisioner provisioner;

    public Uni<Inventory> of(UUID instanceId) {
        long started = System.nanoTime();
        return instances.admin(instanceId).flatMap(admin -> admin.pool()
                        .query("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1").execute()
                        .flatMap(dbs -> admin.pool().query("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
                                .execute()
                                .flatMap(roles -> catalog.preparedQuery("SELECT database_name FROM pool_databases "
                                                + "WHERE instance_id = $1 ORDER BY 1").execute(Tuple.of(instanceId))
                                        .map(pool -> new Inventory(instanceId, names(dbs), names(roles), names(pool),
                                                (System.nanoTime() - started) / 1_000_000)))))
                .onFailure().transform(e -> SqlStates.translate(e, "reading the inventory of instance " + instanceId));
    }

    public Uni<Stats> stats(UUID databaseId) {
        return provisioner.requireLogin(databaseId).flatMap(login -> {
            return instances.admin(login.instanceId()).flatMap(admin -> admin.pool().preparedQuery(
                            "SELECT pg_database_size(d.oid) AS size, coalesce(s.numbackends, 0) AS connections, "
                                    + "coalesce(s.xact_commit, 0) AS commits, (SELECT max(greatest(a.backend_start, "
                                    + "a.state_change)) FROM pg_stat_activity a WHERE a.datname = d.datname) AS last "
                                    + "FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname = $1")
                    .execute(Tuple.of(login.databaseName()))
                    .map(rows -> {
                        Row r = rows.iterator().next();
                        return new Stats(r.getLong("size"), r.getInteger("connections"), r.getOffsetDateTime("last"),
                                r.getLong("commits"));
                    }))
                    .onFailure().transform(e -> SqlStates.translate(e, "reading statistics of " + login.databaseName()));
        });
    }

    private static List<String> names(Iterable<Row> rows) {
        List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.getString(0)));
        return names;
    }
}
