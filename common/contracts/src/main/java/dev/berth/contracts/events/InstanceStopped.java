package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An instance's container stopped. {@code requested} tells a stop asked for (API, podman stop) from a process that
 * ended on its own ({@code exitCode} then when Podman reported it).
 */
@RegisterForReflection
public record InstanceStopped(String instanceId, String container, boolean requested, Integer exitCode) implements BerthEvent {

    @Override
    public String aggregateId() {
        return instanceId;
    }
}
