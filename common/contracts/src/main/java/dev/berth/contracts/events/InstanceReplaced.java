package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A dedicated PostgreSQL instance now runs in a new container on a new volume, made as a streaming standby of the old
 * one and promoted ({@code POST /api/instances/{id}/replace}); {@code gapMillis} is how long the instance's name
 * answered nowhere, from the old server's stop to the new one holding the name.
 */
@RegisterForReflection
public record InstanceReplaced(String instanceId, String container, String image, String volume, String oldVolume,
        long gapMillis) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
