package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An app database and its owner role now exist on an instance. Credentials are never part of it. */
@RegisterForReflection
public record DatabaseProvisioned(
        String databaseId, String instanceId, String app, String databaseName, String roleName) implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
