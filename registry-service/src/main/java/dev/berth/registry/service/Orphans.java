package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.outbox.SingleFlight;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Databases whose app container is gone. They are never dropped on the spot: an orphan is quarantined (its login
 * disabled, data untouched) and kept for {@code berth.registry.orphans.grace}; then its app's deletion policy runs
 * (keep: stays quarantined until reattached or deleted). Before quarantining and before any drop the provisioner is
 * asked whether a container of the app exists — running or stopped — and if so the database is no orphan.
 */
@ApplicationScoped
public class Orphans {

    private static final Logger LOG = Logger.getLogger(Orphans.class);

    /** An orphan as the API lists it. */
    public record Orphan(UUID id, String app, String environment, String database, OffsetDateTime orphanedAt,
            String policy, OffsetDateTime purgeAfter, boolean quarantined) {
    }

    @Inject
    Pool pool;

    @Inject
    RegistryConfig config;

    @Inject
    DatabaseService databases;

    @Inject
    DatabaseBinding binding;

    @Inject
    Admissions admissions;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /**
     * In the transaction applying a {@code ContainerRemoved}: when it was the app's last container (compose replicas
     * and re-created containers share their app), the app is removed, and the database made for it becomes an orphan
     * under the app's deletion policy; otherwise the app follows one of its remaining containers. Returns whether an
     * orphan was made.
     */
    public Uni<Boolean> containerRemoved(SqlConnection tx, String containerId, OffsetDateTime at) {
        String others = "SELECT c.container_id FROM containers c WHERE c.app = apps.name AND c.container_id <> $1 "
                + "AND c.status <> 'removed' ORDER BY c.updated_at DESC LIMIT 1";
        return tx.preparedQuery("UPDATE apps SET container_id = (" + others + "), updated_at = now() "
                        + "WHERE container_id = $1 AND removed_at IS NULL AND EXISTS (" + others + ")")
                .execute(Tuple.of(containerId))
                .chain(() -> tx.preparedQuery("UPDATE apps SET status = 'removed', removed_at = $2, updated_at = now() "
                        + "WHERE removed_at IS NULL AND status <> 'redeploying' AND (container_id = $1 OR (container_id "
                        + "IS NOT NULL AND name = (SELECT app FROM containers WHERE container_id = $1))) "
                        + "AND NOT EXISTS (" + others + ") "
                        + "RETURNING name, database_id, database_mode, deletion_policy")
                .execute(Tuple.of(containerId, at)))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    Row app = rows.iterator().next();
                    UUID databaseId = app.getUUID("database_id");
                    String mode = app.getString("database_mode");
                    // Only a database Berth made for the app follows it; a bound existing one is just released.
                    if (databaseId == null || !(mode.equals("auto") || mode.equals("new") || mode.equals("dedicated"))) {
                        return Uni.createFrom().item(false);
                    }
                    String policy = app.getString("deletion_policy");
                    OffsetDateTime purgeAfter = DeletionPolicy.KEEP.word().equals(policy) ? null
                            : at.plus(config.orphans().grace());
                    return tx.preparedQuery("UPDATE app_databases SET orphaned_at = $2, orphan_policy = $3, "
                                    + "purge_after = $4, orphan_of = $5, updated_at = now() "
                                    + "WHERE id = $1 AND orphaned_at IS NULL")
                            .execute(Tuple.from(Arrays.asList(databaseId, at, policy, purgeAfter,
                                    app.getString("name"))))
                            .map(updated -> updated.rowCount() > 0);
                });
    }

    public Uni<List<Orphan>> list() {
        return pool.query("SELECT id, app, environment, database_name, orphaned_at, orphan_policy, purge_after, "
                        + "quarantined_at FROM app_databases WHERE orphaned_at IS NOT NULL ORDER BY orphaned_at")
                .execute().map(rows -> {
                    List<Orphan> orphans = new ArrayList<>();
                    rows.forEach(r -> orphans.add(new Orphan(r.getUUID("id"), r.getString("app"),
                            r.getString("environment"), r.getString("database_name"), r.getOffsetDateTime("orphaned_at"),
                            r.getString("orphan_policy"), r.getOffsetDateTime("purge_after"),
                            r.getValue("quarantined_at") != null)));
                    return orphans;
                });
    }

    /** Takes an orphan back: login allowed again; a later deploy of the app (mode auto/new) binds it. */
    public Uni<Void> reattach(UUID id) {
        return databases.get(id).flatMap(db -> pool.preparedQuery("SELECT orphaned_at FROM app_databases WHERE id = $1")
                .execute(Tuple.of(id)).flatMap(rows -> {
                    if (rows.iterator().next().getValue("orphaned_at") == null) {
                        throw new ProblemException(ProblemType.CONFLICT, "database " + id + " is not an orphan");
                    }
                    return binding.releaseOrphan(id);
                }));
    }

    /** Never two sweeps at once; one asked for meanwhile runs right after. */
    private final SingleFlight<Void> sweeps = new SingleFlight<>(() -> sweep().onFailure().invoke(failure ->
            LOG.warnf("orphan sweep: %s", failure.getMessage())), null);

    /** Sweeps now in the background. */
    public void sweepSoon() {
        sweeps.runInBackground();
    }

    @Scheduled(every = "${berth.registry.orphans.sweep-interval:60s}", delayed = "2s")
    void scheduledSweep() {
        sweepSoon();
    }

    /** Quarantines new orphans and runs the policy of those past their grace. */
    Uni<Void> sweep() {
        return admissions.abandonStale().onFailure().invoke(e -> LOG.warnf("stale admissions not undone (next sweep "
                + "retries): %s", e.getMessage())).onFailure().recoverWithNull().chain(() -> pool.query("SELECT id, orphan_of AS app, orphan_policy, purge_after <= now() AS due, quarantined_at IS NOT NULL "
                        + "AS quarantined FROM app_databases WHERE orphaned_at IS NOT NULL AND status = 'ready' "
                        + "AND (quarantined_at IS NULL OR purge_after <= now())").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> handle(row)
                        .onFailure().invoke(e -> LOG.warnf("orphan %s: %s (will retry)", row.getUUID("id"),
                                e.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid());
    }

    private Uni<Void> handle(Row row) {
        UUID id = row.getUUID("id");
        String app = row.getString("app");
        return guarded(provisioner.containers(app)).flatMap(containers -> {
            if (!containers.isEmpty()) {
                // The app has a container (running or stopped): its database is no orphan.
                LOG.infof("database %s: app %s still has container %s, not an orphan", id, app,
                        containers.get(0).name());
                return binding.releaseOrphan(id);
            }
            if (!row.getBoolean("quarantined")) {
                return guarded(provisioner.allowLogin(id, new ProvisionerClient.LoginState(false)))
                        .chain(() -> pool.preparedQuery("UPDATE app_databases SET quarantined_at = now() WHERE id = $1")
                                .execute(Tuple.of(id)))
                        .invoke(() -> LOG.infof("database %s of removed app %s quarantined (login disabled)", id, app))
                        .chain(() -> Boolean.TRUE.equals(row.getBoolean("due")) ? runPolicy(id, row)
                                : Uni.createFrom().voidItem());
            }
            return runPolicy(id, row);
        });
    }

    private Uni<Void> runPolicy(UUID id, Row row) {
        String policy = row.getString("orphan_policy");
        if (!Boolean.TRUE.equals(row.getBoolean("due")) || policy == null || DeletionPolicy.KEEP.word().equals(policy)) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("orphaned database %s: grace over, policy %s", id, policy);
        return databases.delete(id, policy);
    }
}
