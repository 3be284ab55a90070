package dev.berth.provisioner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.provisioner.service.ProvisioningRecovery;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A provisioner that died between CREATE ROLE and CREATE DATABASE cleans up after itself on its next start. */
@QuarkusTest
class InterruptedCreateRecoveryIT {

    @Inject
    ProvisioningRecovery recovery;

    @Inject
    Pool pool;

    @Test
    void aCreateInterruptedAfterItsRoleIsCompensated() {
        String name = "crash_" + UUID.randomUUID().toString().substring(0, 8);
        // What a crash right after CREATE ROLE leaves: the operation row in REQUESTED, and the role.
        pool.preparedQuery("INSERT INTO provisioning_operations (id, kind, target, phase, instance_id, database_id, "
                        + "role_name) VALUES ($1, 'create', $2, 'REQUESTED', $3, $4, $5)")
                .execute(Tuple.tuple(java.util.List.of(UUID.randomUUID(), "app_" + name, DefaultInstance.ID,
                        UUID.randomUUID(), "berth_" + name)))
                .await().atMost(Duration.ofSeconds(10));
        Pg.cluster().sql("postgres", "CREATE ROLE berth_" + name + " LOGIN");
        assertTrue(Pg.roleExists("berth_" + name));

        recovery.recover().await().atMost(Duration.ofSeconds(60));

        assertFalse(Pg.roleExists("berth_" + name));
        assertFalse(Pg.databaseExists("app_" + name));
    }
}
