package dev.berth.provisioner.pooler;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.PoolStats;
import dev.berth.provisioner.config.ProvisionerConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads {@code SHOW POOLS} and {@code SHOW STATS} from PgBouncer's admin console (the virtual database
 * {@code pgbouncer}) as its stats user, which may read and not control. The console speaks only the simple query
 * protocol, and accepts only the startup parameters PgBouncer knows, so this connects with a short list of them.
 */
@ApplicationScoped
public class PoolerStats {

    @Inject
    Vertx vertx;

    @Inject
    ProvisionerConfig config;

    public Uni<PoolStats> read(UUID instance) {
        ProvisionerConfig.Pooler pooler = config.pooler();
        if (!DefaultInstance.ID.equals(instance)) {
            throw new ProblemException(ProblemType.NOT_FOUND, "PgBouncer serves only the default instance");
        }
        if (pooler.port().isEmpty() || pooler.statsPassword().isEmpty()) {
            throw new ProblemException(ProblemType.NOT_FOUND, "this Berth has no PgBouncer in front of the default "
                    + "instance (a host install sets one up, install/install.sh; so does ./berth up with BERTH_POOLER=1)");
        }
        String host = config.defaultInstance().host().orElse("127.0.0.1");
        PgConnectOptions options = new PgConnectOptions().setHost(host).setPort(pooler.port().get())
                .setDatabase("pgbouncer").setUser(pooler.statsUser()).setPassword(pooler.statsPassword().get())
                .setConnectTimeout(5_000)
                .setProperties(Map.of("application_name", "berth-provisioner", "client_encoding", "utf8"));
        return PgConnection.connect(vertx, options)
                .onFailure().transform(e -> new ProblemException(ProblemType.INSTANCE_UNAVAILABLE,
                        "PgBouncer on " + host + ":" + pooler.port().get() + " refused the stats login: "
                                + e.getMessage()))
                .flatMap(conn -> conn.query("SHOW POOLS").execute()
                        .flatMap(pools -> conn.query("SHOW STATS").execute()
                                .map(stats -> new PoolStats(host + ":" + pooler.port().get(), rows(pools), rows(stats),
                                        Instant.now())))
                        .eventually(conn::close));
    }

    private static List<Map<String, Object>> rows(RowSet<Row> set) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row row : set) {
            Map<String, Object> entry = new LinkedHashMap<>();
            for (int i = 0; i < row.size(); i++) {
                Object value = row.getValue(i);
                entry.put(row.getColumnName(i), value instanceof Number || value instanceof Boolean || value == null
                        ? value : value.toString());
            }
            out.add(entry);
        }
        return out;
    }
}
