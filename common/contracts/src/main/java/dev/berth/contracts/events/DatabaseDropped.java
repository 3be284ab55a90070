package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An app database and its roles were dropped (or detached, when {@code policy} is {@code keep}). */
@RegisterForReflection
public record DatabaseDropped(String databaseId, String instanceId, String databaseName, String policy)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
