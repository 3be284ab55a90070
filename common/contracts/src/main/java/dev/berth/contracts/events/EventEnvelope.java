package dev.berth.contracts.events;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link BerthEvent} with its CloudEvents attributes: {@code id} (consumers dedupe by it), {@code source}
 * (the emitting service), {@code type} ({@code dev.berth.<RecordName>}), {@code subject} (the aggregate id)
 * and {@code time}.
 */
public record EventEnvelope(UUID id, URI source, String type, String subject, OffsetDateTime time, BerthEvent data) {

    public static final String TYPE_PREFIX = "dev.berth.";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** A new envelope for an event emitted now by {@code source} (e.g. {@code /berth/registry}). */
    public static EventEnvelope of(String source, BerthEvent data) {
        return new EventEnvelope(UUID.randomUUID(), URI.create(source), typeOf(data.getClass()), data.aggregateId(),
                OffsetDateTime.now(ZoneOffset.UTC), data);
    }

    public static String typeOf(Class<? extends BerthEvent> type) {
        return TYPE_PREFIX + type.getSimpleName();
    }

    /** The Kafka topic this envelope is published on. */
    public String topic() {
        return Topics.of(data);
    }
}
