package dev.berth.registry.service;

import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Samples every ready app database's figures (one provisioner call and one query per instance, not per database) into
 * {@code database_samples}, and drops samples older than the retention. People would rather look at a chart than read
 * a number: the dashboard draws size, connections and transactions per second from these rows.
 */
@ApplicationScoped
public class DatabaseSamples {

    private static final Logger LOG = Logger.getLogger(DatabaseSamples.class);

    /** One point of a chart; {@code tps} is null for the first sample and after the counter was reset. */
    public record Sample(OffsetDateTime at, long sizeBytes, int connections, Double tps) {
    }

    /** The newest sample of a database, for the list. */
    public record Latest(OffsetDateTime at, long sizeBytes, int connections) {
    }

    @Inject
    Pool pool;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @Inject
    RegistryConfig config;

    @Inject
    MeterRegistry meters;

    @Scheduled(every = "${berth.registry.samples.interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sample().replaceWithVoid();
    }

    /** Takes one sample of every ready database; returns how many rows were written. */
    public Uni<Integer> sample() {
        Timer.Sample cycle = Timer.start(meters);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return pool.query("SELECT DISTINCT i.id FROM instances i JOIN app_databases d ON d.instance_id = i.id "
                        + "WHERE i.engine IN ('postgresql', 'mariadb', 'mysql') AND d.status = 'ready' "
                        + "AND i.status NOT IN ('creating', 'removing', 'stopped', 'missing')").execute()
                .flatMap(rows -> {
                    List<UUID> instances = new ArrayList<>();
                    rows.forEach(r -> instances.add(r.getUUID(0)));
                    return Multi.createFrom().iterable(instances)
                            .onItem().transformToUniAndConcatenate(id -> sampleInstance(id, now))
                            .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
                })
                .call(() -> prune(now.minus(config.samples().retention())))
                .invoke(() -> cycle.stop(Timer.builder("berth.samples.cycle")
                        .description("One sampling of every ready database, written and pruned").register(meters)));
    }

    private Uni<Integer> sampleInstance(UUID instanceId, OffsetDateTime at) {
        return provisioner.figures(instanceId)
                .flatMap(figures -> pool.preparedQuery("SELECT id, database_name FROM app_databases "
                                + "WHERE instance_id = $1 AND status = 'ready'").execute(Tuple.of(instanceId))
                        .flatMap(rows -> write(rows, figures, at)))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("sampling the databases of instance %s failed (next try in %s): %s", instanceId,
                            config.samples().interval(), e.getMessage());
                    return 0;
                });
    }

    private Uni<Integer> write(Iterable<Row> databases, Collection<DatabaseFigures> figures, OffsetDateTime at) {
        Map<String, DatabaseFigures> byName = new HashMap<>();
        figures.forEach(f -> byName.put(f.database(), f));
        List<Tuple> batch = new ArrayList<>();
        for (Row r : databases) {
            DatabaseFigures f = byName.get(r.getString("database_name"));
            if (f != null) {
                batch.add(Tuple.of(r.getUUID("id"), at, f.sizeBytes(), f.connections(), f.transactions()));
            }
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("INSERT INTO database_samples (database_id, at, size_bytes, connections, "
                        + "transactions) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                .executeBatch(batch).replaceWith(batch.size());
    }

    private Uni<Void> prune(OffsetDateTime before) {
        return pool.preparedQuery("DELETE FROM database_samples WHERE at < $1").execute(Tuple.of(before))
                .replaceWithVoid();
    }

    /** A database's samples over the last {@code window}, oldest first, with transactions per second between them. */
    public Uni<List<Sample>> of(UUID databaseId, Duration window) {
        return pool.preparedQuery("SELECT at, size_bytes, connections, transactions FROM database_samples "
                        + "WHERE database_id = $1 AND at >= $2 ORDER BY at")
                .execute(Tuple.of(databaseId, OffsetDateTime.now(ZoneOffset.UTC).minus(window)))
                .map(rows -> {
                    List<Sample> samples = new ArrayList<>();
                    Row previous = null;
                    for (Row r : rows) {
                        samples.add(new Sample(r.getOffsetDateTime("at"), r.getLong("size_bytes"),
                                r.getInteger("connections"), rate(previous, r)));
                        previous = r;
                    }
                    return samples;
                });
    }

    static Double rate(Row previous, Row now) {
        if (previous == null) {
            return null;
        }
        long delta = now.getLong("transactions") - previous.getLong("transactions");
        double seconds = Duration.between(previous.getOffsetDateTime("at"), now.getOffsetDateTime("at")).toMillis()
                / 1000.0;
        return delta < 0 || seconds <= 0 ? null : Math.round(delta / seconds * 100) / 100.0;
    }

    /** The newest sample of each of these databases, in one query. */
    public Uni<Map<UUID, Latest>> latest(Collection<UUID> databaseIds) {
        if (databaseIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT DISTINCT ON (database_id) database_id, at, size_bytes, connections "
                        + "FROM database_samples WHERE database_id = ANY($1) ORDER BY database_id, at DESC")
                .execute(Tuple.of(databaseIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, Latest> latest = new HashMap<>();
                    rows.forEach(r -> latest.put(r.getUUID("database_id"), new Latest(r.getOffsetDateTime("at"),
                            r.getLong("size_bytes"), r.getInteger("connections"))));
                    return latest;
                });
    }
}
