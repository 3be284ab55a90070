package dev.berth.contracts.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Encodes envelopes as structured-mode CloudEvents JSON (the whole event, attributes and data, in the Kafka
 * record value) and decodes them back to typed records. Unknown types and malformed JSON are refused with
 * {@link InvalidEventException} so a consumer can skip a poison record instead of looping on it.
 */
public final class EventCodec {

    private static final Map<String, Class<? extends BerthEvent>> TYPES = List.<Class<? extends BerthEvent>>of(
                    DatabaseProvisioned.class, DatabaseDropped.class, ContainerCreated.class, ContainerStarted.class,
                    ContainerStopped.class, ContainerDied.class, ContainerRemoved.class,
                    BackupCompleted.class, BackupFailed.class, CredentialsRotated.class,
                    DatabaseDeletionRequested.class, BackupStarted.class, BackupVerificationChanged.class,
                    RestorePhaseChanged.class, InstanceCreated.class, InstanceStarted.class, InstanceStopped.class,
                    InstanceHealthy.class, InstanceUnhealthy.class, InstanceRemoved.class, InstanceReplaced.class)
            .stream().collect(Collectors.toUnmodifiableMap(EventEnvelope::typeOf, Function.identity()));

    private static final String JSON = "application/json";

    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final JsonFormat format = new JsonFormat();

    public byte[] encode(EventEnvelope envelope) {
        CloudEvent event = CloudEventBuilder.v1()
                .withId(envelope.id().toString())
                .withSource(envelope.source())
                .withType(envelope.type())
                .withSubject(envelope.subject())
                .withTime(envelope.time())
                .withDataContentType(JSON)
                .withData(JSON, writeData(envelope.data()))
                .build();
        return format.serialize(event);
    }

    public EventEnvelope decode(byte[] bytes) {
        CloudEvent event;
        try {
            event = format.deserialize(bytes);
        } catch (EventDeserializationException | IllegalArgumentException e) {
            throw new InvalidEventException("not a CloudEvents JSON document: " + e.getMessage(), e);
        }
        Class<? extends BerthEvent> type = TYPES.get(event.getType());
        if (type == null) {
            throw new InvalidEventException("unknown event type '" + event.getType() + "'", null);
        }
        if (event.getData() == null) {
            throw new InvalidEventException("event " + event.getId() + " has no data", null);
        }
        UUID id;
        try {
            id = UUID.fromString(event.getId());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("event id '" + event.getId() + "' is not a UUID", e);
        }
        try {
            BerthEvent data = mapper.readValue(event.getData().toBytes(), type);
            return new EventEnvelope(id, event.getSource(), event.getType(), event.getSubject(), event.getTime(), data);
        } catch (IOException e) {
            throw new InvalidEventException("data of " + event.getType() + " does not match its schema", e);
        }
    }

    private byte[] writeData(BerthEvent data) {
        try {
            return mapper.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record value that is not a Berth event this codec knows. */
    public static final class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
