package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Podman reports the container started; {@code app} is its {@code berth.app} label. */
@RegisterForReflection
public record ContainerStarted(String containerId, String name, String app) implements BerthEvent {

    @Override
    public String aggregateId() {
        return containerId;
    }
}
