package dev.berth.backup.messaging;

import dev.berth.backup.domain.BackupReason;
import dev.berth.backup.service.BackupCatalog;
import dev.berth.backup.service.BackupRunner;
import dev.berth.backup.service.BackupWorkers;
import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.events.DatabaseDeletionRequested;
import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.outbox.EventConsumer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every new database gets a schedule that inherits the global settings the moment it is provisioned (a database
 * nobody remembered to schedule is the usual way backups silently never happen); a dropped database's schedule is
 * switched off; a deletion waiting for a backup gets its {@code pre-delete} backup, whose completion (or failure)
 * event tells the registry whether to drop the database.
 */
@ApplicationScoped
public class DatabaseEventHandlers {

    static final String CONSUMER = "backup-service";

    @Inject
    EventConsumer consumer;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupRunner runner;

    @Inject
    BackupWorkers workers;

    @Incoming("database-events")
    public Uni<Void> onDatabaseEvent(byte[] record) {
        List<UUID> queued = new CopyOnWriteArrayList<>();
        return consumer.consume(CONSUMER, record, (tx, event) -> apply(tx, event, queued))
                // Started only once the queued row is committed; a restart before that finds it queued and runs it.
                .invoke(() -> queued.forEach(id -> workers.submit(id, () -> runner.run(id))));
    }

    private Uni<Void> apply(SqlConnection tx, EventEnvelope event, List<UUID> queued) {
        if (event.data() instanceof DatabaseProvisioned provisioned) {
            return tx.preparedQuery("INSERT INTO backup_schedules (database_id, database_name, instance_id) "
                            + "VALUES ($1, $2, $3) ON CONFLICT (database_id) DO NOTHING")
                    .execute(Tuple.of(provisioned.databaseId(), provisioned.databaseName(), provisioned.instanceId()))
                    .replaceWithVoid();
        }
        if (event.data() instanceof DatabaseDropped dropped) {
            return tx.preparedQuery("UPDATE backup_schedules SET enabled = false, next_run_at = NULL, "
                            + "updated_at = now() WHERE database_id = $1")
                    .execute(Tuple.of(dropped.databaseId()))
                    .replaceWithVoid();
        }
        if (event.data() instanceof DatabaseDeletionRequested requested
                && DeletionPolicy.BACKUP_THEN_DELETE.is(requested.policy())) {
            UUID id = UUID.randomUUID();
            queued.add(id);
            return catalog.enqueue(tx, id, requested.databaseId(), BackupReason.PRE_DELETE);
        }
        return Uni.createFrom().voidItem();
    }
}
