package dev.berth.backup.storage;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * AES-256-GCM streaming encryption for backup files (Tink's AES-GCM-HKDF streaming AEAD: a fresh key per file
 * derived from the master key and a random salt, 1 MiB segments each with its own tag, so a file is never held in
 * memory and a changed, truncated or reordered segment is detected). The backup id is the associated data: a file
 * renamed onto another backup's record does not decrypt.
 */
public final class BackupCipher {

    private static final int SEGMENT = 1 << 20;

    private final AesGcmHkdfStreaming aead;

    public BackupCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the backup key must be 256 bits");
        }
        try {
            aead = new AesGcmHkdfStreaming(key, "HmacSha256", 32, SEGMENT, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up backup encryption", e);
        }
    }

    public OutputStream encrypting(OutputStream out, String backupId) throws IOException {
        try {
            return aead.newEncryptingStream(out, aad(backupId));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start encrypting backup " + backupId, e);
        }
    }

    public InputStream decrypting(InputStream in, String backupId) throws IOException {
        try {
            return aead.newDecryptingStream(in, aad(backupId));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start decrypting backup " + backupId, e);
        }
    }

    private static byte[] aad(String backupId) {
        return ("berth-backup:" + backupId).getBytes(StandardCharsets.UTF_8);
    }
}
