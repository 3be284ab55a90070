package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The container's main process ended (Podman's {@code died}); {@code exitCode} when Podman reported it. */
@RegisterForReflection
public record ContainerDied(String containerId, String name, String app, Integer exitCode) implements BerthEvent {

    @Override
    public String aggregateId() {
        return containerId;
    }
}
