package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An instance's health check failed; {@code reason} is the check's own output, shortened. */
@RegisterForReflection
public record InstanceUnhealthy(String instanceId, String container, String reason) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
