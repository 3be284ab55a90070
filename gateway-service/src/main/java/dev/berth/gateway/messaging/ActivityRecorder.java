package dev.berth.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.outbox.EventConsumer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Records every Berth event once in the activity feed. */
@ApplicationScoped
public class ActivityRecorder {

    static final String CONSUMER = "gateway-service";

    @Inject
    EventConsumer consumer;

    @Inject
    ObjectMapper json;

    @Incoming("all-events")
    public Uni<Void> onEvent(byte[] record) {
        return consumer.consume(CONSUMER, record, this::record);
    }

    private Uni<Void> record(SqlConnection tx, EventEnvelope event) {
        String data;
        try {
            data = json.writeValueAsString(event.data());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return tx.preparedQuery("INSERT INTO activity (event_id, type, subject, source, occurred_at, data) "
                        + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) ON CONFLICT (event_id) DO NOTHING")
                .execute(Tuple.from(java.util.Arrays.asList(event.id(), event.type(), event.subject(),
                        event.source().toString(), event.time(), data)))
                .replaceWithVoid();
    }
}
