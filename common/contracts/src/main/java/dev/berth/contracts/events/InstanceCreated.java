package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A dedicated instance's container was made, started and answered its health check for the first time. */
@RegisterForReflection
public record InstanceCreated(String instanceId, String name, String engine, String container, Integer hostPort) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
