package dev.berth.provisioner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.provisioner.vault.CredentialVault;
import dev.berth.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DroppedDatabaseSecretsIT {

    @Inject
    Pool pool;

    @Inject
    CredentialVault vault;

    @Test
    void secretsOfADeletedDatabaseArePurgedButKeptOnesStay() {
        String deleted = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        storeSecret(deleted);
        storeSecret(kept);

        TestEvents.publish(EventEnvelope.of("/berth/registry", new DatabaseDropped(kept, "i", "app_kept", "keep")));
        TestEvents.publish(EventEnvelope.of("/berth/registry",
                new DatabaseDropped(deleted, "i", "app_gone", "delete")));

        await().atMost(Duration.ofSeconds(30)).until(() -> secrets(deleted) == 0);
        assertEquals(1, secrets(kept), "a database detached with policy=keep keeps its credentials");
    }

    @Test
    void recentOperationsAreListedNewestFirst() {
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO provisioning_operations (id, kind, target, phase, started_at) VALUES "
                        + "($1, 'create-database', 'app_a', 'DONE', now() - interval '1 minute'), "
                        + "($2, 'create-database', 'app_b', 'FAILED', now() + interval '1 hour')")
                .execute(Tuple.of(older, newer)).await().atMost(Duration.ofSeconds(10));

        given().when().get("/api/operations").then().statusCode(200)
                .body("[0].id", equalTo(newer.toString()))
                .body("[0].phase", equalTo("FAILED"));
    }

    private void storeSecret(String databaseId) {
        pool.withTransaction(tx -> vault.store(tx, "database", databaseId, "login", "not-a-real-password"))
                .await().atMost(Duration.ofSeconds(10));
    }

    private int secrets(String databaseId) {
        return pool.preparedQuery("SELECT count(*) FROM vault_secrets WHERE owner_id = $1")
                .execute(Tuple.of(databaseId)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getInteger(0);
    }
}
