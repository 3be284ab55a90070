package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Podman created a container; {@code databaseId} is set when Berth bound a database to it. */
@RegisterForReflection
public record ContainerCreated(String containerId, String name, String image, String app, String databaseId)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return containerId;
    }
}
