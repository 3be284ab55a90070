package dev.berth.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.events.EventEnvelope;
import io.vertx.mutiny.sqlclient.Row;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One activity entry as the live stream and {@code GET /api/activity} show it: {@code seq} is the SSE id, {@code name}
 * the short event type ({@code BackupCompleted}) used as the SSE event name, {@code data} without secret-looking
 * fields ({@link EventVisibility}).
 */
public record StreamedEvent(long seq, UUID eventId, String type, String name, String subject, String source,
        OffsetDateTime occurredAt, JsonNode data) {

    /** The {@code activity} columns {@link #of} reads. */
    public static final String COLUMNS = "seq, event_id, type, subject, source, occurred_at, data::text";

    public static StreamedEvent of(Row r, ObjectMapper json) {
        String type = r.getString("type");
        String name = type.startsWith(EventEnvelope.TYPE_PREFIX) ? type.substring(EventEnvelope.TYPE_PREFIX.length())
                : type;
        JsonNode data;
        try {
            data = EventVisibility.scrub(json.readTree(r.getString("data")));
        } catch (IOException e) {
            data = json.createObjectNode();
        }
        return new StreamedEvent(r.getLong("seq"), r.getUUID("event_id"), type, name, r.getString("subject"),
                r.getString("source"), r.getOffsetDateTime("occurred_at"), data);
    }
}
