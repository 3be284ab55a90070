package dev.berth.backup.storage;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.config.BackupConfig;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Backup bytes on their way in and out of {@link BackupStorage}: the sha256 and size of the plain dump are computed
 * while it streams, and with encryption on, the stored bytes are AES-256-GCM (Tink's streaming AEAD, HKDF-derived
 * segment keys, 1 MiB segments; see {@link BackupCipher}).
 */
@ApplicationScoped
public class BackupFiles {

    @Inject
    BackupStorage storage;

    @Inject
    BackupConfig config;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    private volatile BackupCipher cipher;

    /** What a finished write produced. */
    public record Written(String sha256, long sizeBytes, long storedBytes) {
    }

    /** A backup being written: write the plain dump to {@link #plain()}, then {@link #finish()} or {@link #abort()}. */
    public final class Sink {
        private final BackupStorage.Upload upload;
        private final MessageDigest digest;
        private final CountingStream counted;
        private final OutputStream plain;

        Sink(BackupStorage.Upload upload, OutputStream plainTarget) {
            this.upload = upload;
            this.digest = sha256();
            this.counted = new CountingStream(plainTarget);
            this.plain = new DigestOutputStream(counted, digest);
        }

        public OutputStream plain() {
            return plain;
        }

        public Written finish() throws IOException {
            plain.close(); // closes the encrypting stream too, which writes the last segment and its tag
            long stored = upload.commit();
            return new Written(HexFormat.of().formatHex(digest.digest()), counted.count, stored);
        }

        public void abort() {
            upload.abort();
        }
    }

    public boolean encrypting() {
        return config.storage().encrypt();
    }

    /** Starts writing {@code key}; nothing is visible there until {@link Sink#finish()}. */
    public Sink create(String key, String backupId, boolean encrypt) throws IOException {
        BackupStorage.Upload upload = storage.create(key);
        try {
            OutputStream target = upload.stream();
            if (encrypt) {
                target = cipher().encrypting(new NoCloseStream(target), backupId);
            } else {
                target = new NoCloseStream(target);
            }
            return new Sink(upload, target);
        } catch (IOException | RuntimeException e) {
            upload.abort();
            throw e;
        }
    }

    /** The plain dump from {@code offset} on (decrypted when it is stored encrypted). */
    public InputStream open(String key, String backupId, boolean encrypted, long offset) throws IOException {
        if (!encrypted) {
            return storage.open(key, offset);
        }
        InputStream plain = cipher().decrypting(storage.open(key, 0), backupId);
        plain.skipNBytes(offset);
        return plain;
    }

    /**
     * A file pg_restore can read, checked against the recorded checksum first: the stored file itself when it is a
     * plain local file, otherwise a decrypted copy under the work directory (the caller deletes it). A mismatch is
     * refused with 422 before anything is restored.
     */
    public Path materialize(String key, String backupId, boolean encrypted, String expectedSha256) throws IOException {
        var local = storage.localFile(key);
        if (local.isPresent() && !encrypted) {
            try (InputStream in = Files.newInputStream(local.get())) {
                checkDigest(key, in, OutputStream.nullOutputStream(), expectedSha256);
            }
            return local.get();
        }
        Path work = Files.createDirectories(Path.of(config.workDir()));
        Path copy = Files.createTempFile(work, "restore-", ".dump",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (InputStream in = open(key, backupId, encrypted, 0); OutputStream out = Files.newOutputStream(copy)) {
            checkDigest(key, in, out, expectedSha256);
            return copy;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }

    /** Deletes a copy {@link #materialize} made in the work directory; leaves a stored backup file alone. */
    public void discardWorkCopy(Path path) {
        if (path == null || !path.toAbsolutePath().startsWith(Path.of(config.workDir()).toAbsolutePath())) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the work directory is emptied at every start as well
        }
    }

    private static void checkDigest(String key, InputStream in, OutputStream out, String expected) throws IOException {
        MessageDigest digest = sha256();
        try (DigestOutputStream tee = new DigestOutputStream(new NoCloseStream(out), digest)) {
            in.transferTo(tee);
        } catch (IOException e) {
            if (e.getCause() instanceof GeneralSecurityException || e.getMessage() != null
                    && e.getMessage().toLowerCase().contains("tag")) {
                throw corrupt(key);
            }
            throw e;
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(expected)) {
            throw corrupt(key);
        }
    }

    private static ProblemException corrupt(String key) {
        return new ProblemException(ProblemType.BACKUP_CORRUPT, "backup file " + key + " does not match the sha256 "
                + "recorded when it was taken; it was changed or damaged in storage and will not be restored");
    }

    private BackupCipher cipher() {
        BackupCipher current = cipher;
        if (current == null) {
            synchronized (this) {
                if (cipher == null) {
                    cipher = new BackupCipher(Base64.getDecoder().decode(provisioner.backupKey().key()));
                }
                current = cipher;
            }
        }
        return current;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts the bytes that pass. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Lets a wrapper be closed without closing the storage stream, whose closing is the upload's business. */
    private static final class NoCloseStream extends FilterOutputStream {
        NoCloseStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
