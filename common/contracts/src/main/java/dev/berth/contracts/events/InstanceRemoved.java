package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An instance's container is gone; {@code volumeKept} says whether its data volume was left in place. */
@RegisterForReflection
public record InstanceRemoved(String instanceId, String container, boolean volumeKept) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
