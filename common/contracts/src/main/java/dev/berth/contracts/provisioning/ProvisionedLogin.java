package dev.berth.contracts.provisioning;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The credentials that currently open a database, as handed to the registry (and from it, once, to the user).
 * {@code retiringRole}/{@code retireAfter} are set while a zero-downtime rotation's old login still works.
 */
public record ProvisionedLogin(UUID databaseId, String databaseName, String ownerRole, String username,
        String password, String retiringRole, OffsetDateTime retireAfter, boolean fromPool) {

    @Override
    public String toString() {
        return "ProvisionedLogin[" + databaseName + " as " + username + "]";
    }
}
