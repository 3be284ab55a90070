package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A container is gone from Podman; the registry applies its app's deletion policy. */
@RegisterForReflection
public record ContainerRemoved(String containerId, String name, String app) implements BerthEvent {

    @Override
    public String aggregateId() {
        return containerId;
    }
}
