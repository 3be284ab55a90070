package dev.berth.outbox;

import dev.berth.contracts.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Consumer-side dedupe: an event is handled at most once per consumer name, in the same transaction as the
 * handler's own writes, so a redelivered event (relay retry, consumer restart) changes nothing.
 */
public final class ProcessedEvents {

    private final Pool pool;

    public ProcessedEvents(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code handler} in a transaction unless {@code consumer} already processed this event.
     *
     * @return true when the handler ran, false for a duplicate
     */
    public Uni<Boolean> handleOnce(String consumer, EventEnvelope event,
            Function<SqlConnection, Uni<Void>> handler) {
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO processed_events (consumer, event_id) "
                        + "VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, event.id()))
                .flatMap(result -> result.rowCount() == 0 ? Uni.createFrom().item(false)
                        : handler.apply(tx).replaceWith(true)));
    }
}
