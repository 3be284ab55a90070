package dev.berth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPairFilesTest {

    @TempDir
    Path dir;

    @Test
    void makesAMatchingPairOnceWithPrivateFileModes() throws Exception {
        Path keys = dir.resolve("keys");
        KeyPairFiles.ensure(keys);
        byte[] first = Files.readAllBytes(keys.resolve(KeyPairFiles.PRIVATE));
        KeyPairFiles.ensure(keys);
        assertArrayEquals(first, Files.readAllBytes(keys.resolve(KeyPairFiles.PRIVATE)), "an existing pair is kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                keys.resolve(KeyPairFiles.PRIVATE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));

        byte[] message = "berth".getBytes();
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(KeyPairFiles.readPrivate(keys));
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey(keys));
        verifier.update(message);
        assertTrue(verifier.verify(signature), "the public file verifies what the private file signs");
    }

    @Test
    void twoStartsAtOnceAgreeOnOnePair() throws Exception {
        Path keys = dir.resolve("race");
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> ensure(keys));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> ensure(keys));
        CompletableFuture.allOf(a, b).join();
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(KeyPairFiles.readPrivate(keys));
        signer.update(new byte[] {1});
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey(keys));
        verifier.update(new byte[] {1});
        assertTrue(verifier.verify(signer.sign()));
    }

    @Test
    void aDamagedPrivateKeyIsNamed() throws Exception {
        Path keys = dir.resolve("bad");
        KeyPairFiles.ensure(keys);
        Files.writeString(keys.resolve(KeyPairFiles.PRIVATE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> KeyPairFiles.readPrivate(keys));
        assertTrue(e.getMessage().contains(KeyPairFiles.PRIVATE), e.getMessage());
    }

    private static void ensure(Path keys) {
        try {
            KeyPairFiles.ensure(keys);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey publicKey(Path keys) throws Exception {
        String pem = Files.readString(keys.resolve(KeyPairFiles.PUBLIC)).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
