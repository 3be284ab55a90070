package dev.berth.registry.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;

/**
 * Host ports of dedicated instances, leased in the catalog: the port is the primary key, so of two creates racing
 * for one port exactly one insert wins and the other takes the next. Ports found taken on the host are skipped by
 * the caller ({@code skip}).
 */
@ApplicationScoped
public class PortLeases {

    @Inject
    Pool pool;

    /** The lowest free port of the engine's range (not leased, not in {@code skip}), leased to the instance. */
    public Uni<Integer> leaseFree(UUID instanceId, Engine engine, Set<Integer> skip) {
        return pool.preparedQuery("SELECT p FROM generate_series($1::int, $2::int) p WHERE NOT EXISTS (SELECT 1 FROM "
                        + "port_leases l WHERE l.port = p) AND NOT (p = ANY($3)) ORDER BY p LIMIT 1")
                .execute(Tuple.of(engine.firstHostPort(), engine.lastHostPort(), skip.toArray(Integer[]::new)))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemType.PORT_IN_USE, "every host port for " + engine.wire()
                                + " (" + engine.firstHostPort() + "–" + engine.lastHostPort() + ") is taken");
                    }
                    int port = rows.iterator().next().getInteger(0);
                    return insert(instanceId, port).onItem().transformToUni(won -> won ? Uni.createFrom().item(port)
                            : leaseFree(instanceId, engine, skip)); // lost a race for it: the next one
                });
    }

    /** Leases exactly this port; 409 when another instance holds it. */
    public Uni<Integer> lease(UUID instanceId, int port) {
        return insert(instanceId, port).map(won -> {
            if (!won) {
                throw new ProblemException(ProblemType.PORT_IN_USE, "host port " + port + " is leased to another "
                        + "instance");
            }
            return port;
        });
    }

    public Uni<Void> release(UUID instanceId) {
        return pool.preparedQuery("DELETE FROM port_leases WHERE instance_id = $1").execute(Tuple.of(instanceId))
                .replaceWithVoid();
    }

    private Uni<Boolean> insert(UUID instanceId, int port) {
        return pool.preparedQuery("INSERT INTO port_leases (port, instance_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(port, instanceId))
                .map(rows -> rows.rowCount() == 1)
                .onFailure().transform(e -> SqlStates.translate(e, "leasing host port " + port));
    }
}
