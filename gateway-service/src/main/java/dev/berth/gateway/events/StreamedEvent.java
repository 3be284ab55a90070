package dev.berth.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One activity entry as the live stream sends it: {@code seq} is the SSE id, {@code name} the short event type
 * ({@code BackupCompleted}) used as the SSE event name.
 */
public record StreamedEvent(long seq, UUID eventId, String type, String name, String subject, String source,
        OffsetDateTime occurredAt, JsonNode data) {
}
