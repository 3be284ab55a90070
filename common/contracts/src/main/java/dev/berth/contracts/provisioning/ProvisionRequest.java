package dev.berth.contracts.provisioning;

import java.util.UUID;

/**
 * The registry asks the provisioner for a database ({@code POST /internal/databases}): names already validated and
 * reserved by the registry (the provisioner still quotes everything it sends). {@code usePool} null means yes:
 * take a database from the instance's warm pool when one is ready.
 */
public record ProvisionRequest(UUID databaseId, UUID instanceId, String databaseName, String roleName,
        Integer connectionLimit, Boolean usePool) {

    public boolean poolAllowed() {
        return usePool == null || usePool;
    }
}
