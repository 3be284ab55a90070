package dev.berth.provisioner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.provisioner.vault.CredentialVault;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VaultKeyRotationIT {

    @Inject
    CredentialVault vault;

    @Inject
    Pool pool;

    @Test
    void rotatingTheMasterKeyReSealsEverySecretAndTheyStillOpen() throws Exception {
        String owner = UUID.randomUUID().toString();
        pool.withTransaction(tx -> vault.store(tx, "database", owner, "login", "s3cret-before-rotation"))
                .await().atMost(Duration.ofSeconds(10));
        String keyBefore = keyOf(owner);

        String newKey = given().post("/internal/vault/rotate-key").then().statusCode(200)
                .body("resealed", greaterThanOrEqualTo(1))
                .extract().path("activeKeyId");

        assertEquals(newKey, keyOf(owner), "the secret is sealed under the new key");
        assertTrue(!newKey.equals(keyBefore));
        assertEquals("s3cret-before-rotation", vault.read("database", owner, "login").await()
                .atMost(Duration.ofSeconds(10)).orElseThrow());
        Path keyFile = TestInfrastructure.get().dir("vault").resolve("vault.key");
        assertEquals(1, Files.readAllLines(keyFile).stream().filter(l -> !l.isBlank()).count(),
                "old keys leave the key file once nothing needs them");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keyFile)));
    }

    private String keyOf(String owner) {
        return pool.preparedQuery("SELECT key_id FROM vault_secrets WHERE owner_id = $1").execute(Tuple.of(owner))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
    }
}
