package dev.berth.outbox;

import dev.berth.contracts.events.EventCodec;
import dev.berth.contracts.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;

/**
 * Records an event in the {@code outbox} table <em>inside the caller's transaction</em>, so the event exists
 * exactly when the state change it describes was committed. {@link OutboxRelay} publishes it later.
 */
public final class Outbox {

    private final EventCodec codec;

    public Outbox(EventCodec codec) {
        this.codec = codec;
    }

    /** The channel a commit with new outbox rows notifies (the relay listens, so events leave at once). */
    public static final String CHANNEL = "berth_outbox";

    /**
     * Appends the event; {@code tx} must be the connection of the transaction that makes the state change. The
     * transaction also notifies {@link #CHANNEL}, delivered only if and when it commits.
     */
    public Uni<Void> append(SqlClient tx, EventEnvelope envelope) {
        String json = new String(codec.encode(envelope), StandardCharsets.UTF_8);
        return tx.preparedQuery("INSERT INTO outbox (event_id, topic, message_key, event_type, payload) "
                        + "VALUES ($1, $2, $3, $4, $5::text::jsonb)")
                .execute(Tuple.of(envelope.id(), envelope.topic(), envelope.data().aggregateId(), envelope.type(), json))
                .chain(() -> tx.query("SELECT pg_notify('" + CHANNEL + "', '')").execute())
                .replaceWithVoid();
    }
}
