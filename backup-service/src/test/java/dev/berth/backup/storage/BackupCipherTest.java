package dev.berth.backup.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackupCipherTest {

    private final byte[] key = new byte[32];
    private final BackupCipher cipher;
    private final byte[] plain = new byte[3 * (1 << 20) + 12345]; // several segments and a partial one

    BackupCipherTest() {
        new Random(7).nextBytes(key);
        new Random(8).nextBytes(plain);
        cipher = new BackupCipher(key);
    }

    @Test
    void roundTripsAndHidesTheContent() throws IOException {
        byte[] sealed = encrypt("b1");
        assertFalse(Arrays.equals(Arrays.copyOf(sealed, 64), Arrays.copyOf(plain, 64)));
        assertArrayEquals(plain, cipher.decrypting(new ByteArrayInputStream(sealed), "b1").readAllBytes());
    }

    @Test
    void oneFlippedByteIsDetected() throws IOException {
        byte[] sealed = encrypt("b1");
        sealed[sealed.length / 2] ^= 1;
        assertThrows(IOException.class, () -> cipher.decrypting(new ByteArrayInputStream(sealed), "b1").readAllBytes());
    }

    @Test
    void aTruncatedFileIsDetected() throws IOException {
        byte[] sealed = encrypt("b1");
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 100);
        assertThrows(IOException.class, () -> cipher.decrypting(new ByteArrayInputStream(cut), "b1").readAllBytes());
    }

    @Test
    void aFileUnderAnotherBackupsRecordDoesNotDecrypt() throws IOException {
        byte[] sealed = encrypt("b1");
        assertThrows(IOException.class, () -> cipher.decrypting(new ByteArrayInputStream(sealed), "b2").readAllBytes());
    }

    @Test
    void anotherKeyDoesNotDecrypt() throws IOException {
        byte[] sealed = encrypt("b1");
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThrows(IOException.class,
                () -> new BackupCipher(other).decrypting(new ByteArrayInputStream(sealed), "b1").readAllBytes());
    }

    private byte[] encrypt(String id) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = cipher.encrypting(out, id)) {
            enc.write(plain);
        }
        return out.toByteArray();
    }
}
