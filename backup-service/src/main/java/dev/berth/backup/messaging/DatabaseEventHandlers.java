package dev.berth.backup.messaging;

import dev.berth.backup.config.BackupConfig;
import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.outbox.EventConsumer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every new database gets the default backup schedule the moment it is provisioned (a database nobody remembered
 * to schedule is the usual way backups silently never happen); a dropped database's schedule is switched off.
 */
@ApplicationScoped
public class DatabaseEventHandlers {

    static final String CONSUMER = "backup-service";

    @Inject
    EventConsumer consumer;

    @Inject
    BackupConfig config;

    @Incoming("database-events")
    public Uni<Void> onDatabaseEvent(byte[] record) {
        return consumer.consume(CONSUMER, record, this::apply);
    }

    private Uni<Void> apply(SqlConnection tx, EventEnvelope event) {
        if (event.data() instanceof DatabaseProvisioned provisioned) {
            BackupConfig.DefaultSchedule schedule = config.defaultSchedule();
            return tx.preparedQuery("INSERT INTO backup_schedules (database_id, database_name, cron, retention_days, "
                            + "keep_last) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (database_id) DO NOTHING")
                    .execute(Tuple.of(provisioned.databaseId(), provisioned.databaseName(), schedule.cron(),
                            schedule.retentionDays(), schedule.keepLast()))
                    .replaceWithVoid();
        }
        if (event.data() instanceof DatabaseDropped dropped) {
            return tx.preparedQuery("UPDATE backup_schedules SET enabled = false, updated_at = now() "
                            + "WHERE database_id = $1")
                    .execute(Tuple.of(dropped.databaseId()))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
