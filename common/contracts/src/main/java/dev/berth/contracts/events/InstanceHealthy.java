package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An instance's health check passes again (after a start or after it was unhealthy). */
@RegisterForReflection
public record InstanceHealthy(String instanceId, String container) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
