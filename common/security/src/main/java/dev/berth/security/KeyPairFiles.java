package dev.berth.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The RSA key pair behind Berth's internal tokens, as two PEM files in one directory: {@value #PRIVATE} (PKCS#8,
 * 0600, read by the services that mint tokens) and {@value #PUBLIC} (X.509, read by every service to verify them).
 * Made once, by whoever starts Berth first (the embedded run, the installer, the test harness).
 */
public final class KeyPairFiles {

    public static final String PRIVATE = "internal-private.pem";
    public static final String PUBLIC = "internal-public.pem";

    private KeyPairFiles() {
    }

    /**
     * Creates the pair in {@code dir} unless it is there; safe when two processes (a file lock) or two threads of one
     * (this method is synchronized: a JVM cannot hold one file lock twice) try at once.
     */
    public static synchronized void ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (Files.exists(dir.resolve(PRIVATE)) && Files.exists(dir.resolve(PUBLIC))) {
                return;
            }
            KeyPair pair = generate();
            write(dir, PRIVATE, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
            write(dir, PUBLIC, pem("PUBLIC KEY", pair.getPublic().getEncoded()), "rw-r--r--");
        }
    }

    /** The private key of the pair in {@code dir}. */
    public static PrivateKey readPrivate(Path dir) throws IOException {
        String pem = Files.readString(dir.resolve(PRIVATE));
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(dir.resolve(PRIVATE) + " is not a PKCS#8 RSA private key", e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make RSA keys", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Written beside the target and moved into place, so a reader never sees half a key. */
    private static void write(Path dir, String name, String content, String mode) throws IOException {
        Path temporary = Files.createTempFile(dir, name, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(mode));
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
