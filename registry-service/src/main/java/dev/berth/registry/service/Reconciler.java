package dev.berth.registry.service;

import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.repository.AppDatabaseRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Compares the catalog with each instance ({@code pg_database}, {@code pg_roles} through the provisioner) on a
 * schedule and at start, keeps instance status current, and reports drift. It reports; it never drops anything.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** One reconciliation cycle (PostgreSQL instances; a dedicated one keeps the status its events give it). */
    public record Report(OffsetDateTime startedAt, long elapsedMillis, List<Drift> instances) {
    }

    @Inject
    Pool pool;

    @Inject
    AppDatabaseRepository databases;

    @Inject
    RegistryConfig config;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    private final AtomicReference<Report> last = new AtomicReference<>();

    public Report last() {
        return last.get();
    }

    @Scheduled(every = "${berth.registry.reconcile.interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().replaceWithVoid().onFailure().invoke(e -> LOG.warnf("reconciliation failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    public Uni<Report> run() {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long t0 = System.nanoTime();
        OffsetDateTime stuckBefore = started.minus(config.reconcile().stuckAfter());
        return pool.query("SELECT id, name FROM instances WHERE engine = 'postgresql' ORDER BY name").execute()
                .flatMap(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return Multi.createFrom().iterable(list)
                            .onItem().transformToUniAndConcatenate(row -> check(row, stuckBefore))
                            .collect().asList();
                })
                .map(drifts -> new Report(started, (System.nanoTime() - t0) / 1_000_000, drifts))
                .invoke(report -> {
                    last.set(report);
                    for (Drift d : report.instances()) {
                        if (!d.clean()) {
                            LOG.warnf("drift on instance %s: %d item(s)%s (GET /api/reconciliation)", d.instanceName(),
                                    d.items(), d.error() == null ? "" : ", " + d.error());
                        }
                    }
                });
    }

    private Uni<Drift> check(Row instance, OffsetDateTime stuckBefore) {
        var id = instance.getUUID("id");
        String name = instance.getString("name");
        return ProvisionerCalls.guarded(provisioner.inventory(id))
                .flatMap(inventory -> databases.onInstance(id).map(catalog -> Drift.compare(id, name, catalog,
                        inventory.databases(), inventory.roles(),
                        inventory.unpoolable() == null ? List.of() : inventory.unpoolable(), stuckBefore)))
                .onFailure().recoverWithItem(e -> Drift.unreachable(id, name, e.getMessage()))
                .call(drift -> pool.preparedQuery("UPDATE instances SET status = $2 WHERE id = $1 AND NOT dedicated")
                        .execute(Tuple.of(id, drift.status())));
    }
}
