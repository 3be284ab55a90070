package dev.berth.outbox;

import io.smallrye.mutiny.Uni;

/** Where the relay sends events; completes only once the broker has acknowledged the record. */
public interface EventPublisher {

    Uni<Void> publish(String topic, String key, byte[] value);
}
