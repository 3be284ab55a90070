package dev.berth.provisioner.messaging;

import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.outbox.EventConsumer;
import dev.berth.provisioner.config.ProvisionerConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Forgets the credentials of databases that were dropped for good, so no stale secret outlives its database. */
@ApplicationScoped
public class DatabaseEventHandlers {

    static final String CONSUMER = "provisioner-service";

    @Inject
    EventConsumer consumer;

    @Inject
    ProvisionerConfig config;

    @Incoming("database-events")
    public Uni<Void> onDatabaseEvent(byte[] record) {
        return consumer.consume(CONSUMER, record, this::apply);
    }

    private Uni<Void> apply(SqlConnection tx, EventEnvelope event) {
        if (event.data() instanceof DatabaseDropped dropped && DeletionPolicy.DELETE.is(dropped.policy())
                && config.secrets().purgeOnDrop()) {
            return tx.preparedQuery("DELETE FROM vault_secrets WHERE owner_kind = 'database' AND owner_id = $1")
                    .execute(Tuple.of(dropped.databaseId()))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
