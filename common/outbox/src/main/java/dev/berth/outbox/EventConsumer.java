package dev.berth.outbox;

import dev.berth.contracts.events.EventCodec;
import dev.berth.contracts.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * The consuming side in one call: decode the record, skip (and log) what is not a Berth event instead of failing
 * the channel forever, and run the handler once per event id in one transaction with the dedupe mark.
 */
public final class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;

    public EventConsumer(EventCodec codec, ProcessedEvents processed) {
        this.codec = codec;
        this.processed = processed;
    }

    /**
     * @param consumer the dedupe scope, usually the service name
     * @param handler  writes the consequences of the event using the transaction it is given
     */
    public Uni<Void> consume(String consumer, byte[] value,
            BiFunction<SqlConnection, EventEnvelope, Uni<Void>> handler) {
        EventEnvelope event;
        try {
            event = codec.decode(value);
        } catch (EventCodec.InvalidEventException e) {
            LOG.warnf("%s: skipping a record that is not a Berth event: %s", consumer, e.getMessage());
            return Uni.createFrom().voidItem();
        }
        // PostgreSQL restarting under the handler is a pause, not a failure: a failed record would end the channel
        // for good (SmallRye's default strategy), leaving the service deaf until it is restarted.
        return ServerPauses.patient(processed.handleOnce(consumer, event, tx -> handler.apply(tx, event)),
                        consumer + ": event " + event.id())
                .invoke(ran -> {
                    if (!ran) {
                        LOG.debugf("%s: event %s already processed", consumer, event.id());
                    }
                })
                .replaceWithVoid();
    }
}
