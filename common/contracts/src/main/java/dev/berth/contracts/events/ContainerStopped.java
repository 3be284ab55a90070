package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Podman reports the container stopped (by request); {@code app} is its {@code berth.app} label. */
@RegisterForReflection
public record ContainerStopped(String containerId, String name, String app) implements BerthEvent {

    @Override
    public String aggregateId() {
        return containerId;
    }
}
