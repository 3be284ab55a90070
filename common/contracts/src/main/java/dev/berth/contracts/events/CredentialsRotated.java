package dev.berth.contracts.events;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A database's credentials changed ({@code mode} immediate or zero-downtime); apps bound to it need the new ones.
 * The event names the login role, never the password.
 */
@RegisterForReflection
public record CredentialsRotated(String databaseId, String mode, String loginRole, String retiringRole)
        implements BerthEvent {

    @Override
    public String aggregateId() {
        return databaseId;
    }
}
