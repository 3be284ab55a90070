package dev.berth.provisioner.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCipherTest {

    @TempDir
    Path dir;

    @Test
    void sealsAndOpensWithAFreshNoncePerSecret() {
        CredentialCipher cipher = new CredentialCipher(Keyring.loadOrCreate(dir.resolve("vault.keys")));

        var a = cipher.seal("s3cret-password", "database/1/login");
        var b = cipher.seal("s3cret-password", "database/1/login");

        assertEquals(12, a.nonce().length);
        assertFalse(Arrays.equals(a.nonce(), b.nonce()));
        assertFalse(Arrays.equals(a.ciphertext(), b.ciphertext()));
        assertFalse(new String(a.ciphertext(), StandardCharsets.ISO_8859_1).contains("s3cret"));
        assertEquals("s3cret-password", cipher.open(a, "database/1/login"));
    }

    @Test
    void aFlippedBitIsDetected() {
        CredentialCipher cipher = new CredentialCipher(Keyring.loadOrCreate(dir.resolve("vault.keys")));
        var sealed = cipher.seal("password", "database/1/login");
        byte[] tampered = sealed.ciphertext().clone();
        tampered[0] ^= 0x01;

        var error = assertThrows(VaultException.class, () -> cipher.open(
                new CredentialCipher.Sealed(sealed.keyId(), sealed.nonce(), tampered), "database/1/login"));
        assertTrue(error.getMessage().contains("tampered"));
        assertFalse(error.getMessage().contains("password"));
    }

    @Test
    void aCiphertextMovedToAnotherOwnerDoesNotOpen() {
        CredentialCipher cipher = new CredentialCipher(Keyring.loadOrCreate(dir.resolve("vault.keys")));
        var sealed = cipher.seal("password", "database/1/login");

        assertThrows(VaultException.class, () -> cipher.open(sealed, "database/2/login"));
    }

    @Test
    void keyFileIsCreatedPrivateAndReusedAcrossRestarts() throws Exception {
        Path file = dir.resolve("vault.keys");
        var sealed = new CredentialCipher(Keyring.loadOrCreate(file)).seal("pw", "instance/x/admin");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("pw", new CredentialCipher(Keyring.loadOrCreate(file)).open(sealed, "instance/x/admin"));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("vault.keys");
        Keyring.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        var error = assertThrows(IllegalStateException.class, () -> Keyring.loadOrCreate(file));
        assertTrue(error.getMessage().contains("chmod 600"));
    }

    @Test
    void afterRotationOldSecretsStillOpenAndNewOnesUseTheNewKey() {
        Keyring first = Keyring.loadOrCreate(dir.resolve("vault.keys"));
        CredentialCipher cipher = new CredentialCipher(first);
        var old = cipher.seal("old", "database/1/login");

        Keyring second = first.withNewActiveKey();
        cipher.use(second);
        var fresh = cipher.seal("new", "database/1/login");

        assertNotEquals(old.keyId(), fresh.keyId());
        assertEquals(second.activeId(), fresh.keyId());
        assertEquals("old", cipher.open(old, "database/1/login"));
        assertEquals("new", cipher.open(fresh, "database/1/login"));

        cipher.use(second.retireOldKeys());
        assertThrows(VaultException.class, () -> cipher.open(old, "database/1/login"));
        assertEquals("new", cipher.open(fresh, "database/1/login"));
    }

    @Test
    void anEnvironmentKeyMustBe32Bytes() {
        assertThrows(IllegalStateException.class, () -> Keyring.fromEnvironment("c2hvcnQ="));
        var ring = Keyring.fromEnvironment(java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThrows(VaultException.class, ring::withNewActiveKey);
    }
}
