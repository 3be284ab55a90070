package dev.berth.provisioner.pooler;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.provisioner.config.ProvisionerConfig;
import dev.berth.provisioner.engine.PostgresDdl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * The grant a database needs so that PgBouncer can look up its logins: only on the default instance, and only where
 * a host install put PgBouncer in front of it ({@code berth.provisioner.pooler.port}). The lookup function itself
 * comes from template1, which every new database copies.
 */
@ApplicationScoped
public class PoolerGrants {

    @Inject
    ProvisionerConfig config;

    /** Whether PgBouncer fronts this instance. */
    public boolean fronts(UUID instanceId) {
        return config.pooler().port().isPresent() && DefaultInstance.ID.equals(instanceId);
    }

    /** {@code "; GRANT …"} to append to a database's grants, or nothing. */
    public String forDatabase(UUID instanceId, String database) {
        return fronts(instanceId) ? "; " + PostgresDdl.grantPoolerLookup(database) : "";
    }
}
