package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An instance's container started (through Berth or outside it); healthy comes with {@link InstanceHealthy}. */
@RegisterForReflection
public record InstanceStarted(String instanceId, String container) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
