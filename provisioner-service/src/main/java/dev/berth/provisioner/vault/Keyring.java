package dev.berth.provisioner.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's AES-256 master keys, by key id. The file (0600) holds one {@code keyId:base64} line per key; the
 * last line is the active key, older lines stay so existing ciphertexts can still be opened until they are
 * re-encrypted. A key given in the environment ({@code BERTH_VAULT_KEY}) is used as-is under key id
 * {@code env} and never written anywhere.
 */
public final class Keyring {

    private static final int KEY_BYTES = 32;

    private final Map<String, SecretKey> keys;
    private final String activeId;
    private final Path file;

    private Keyring(Map<String, SecretKey> keys, String activeId, Path file) {
        this.keys = Map.copyOf(keys);
        this.activeId = activeId;
        this.file = file;
    }

    /** Loads the keyring file, creating it with a fresh key (0600) when absent. */
    public static Keyring loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                String id = newKeyId();
                write(file, List.of(id + ":" + encode(randomKey())));
            }
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals("rw-------")) {
                throw new IllegalStateException("vault key file " + file + " must be readable by its owner only "
                        + "(chmod 600)");
            }
            Map<String, SecretKey> keys = new LinkedHashMap<>();
            String last = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 1) {
                    throw new IllegalStateException("vault key file " + file + " has a malformed line");
                }
                keys.put(line.substring(0, colon), decode(line.substring(colon + 1).strip()));
                last = line.substring(0, colon);
            }
            if (last == null) {
                throw new IllegalStateException("vault key file " + file + " holds no key");
            }
            return new Keyring(keys, last, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vault key file " + file, e);
        }
    }

    /** A keyring of one key given as base64 (from the environment); it cannot rotate. */
    public static Keyring fromEnvironment(String base64Key) {
        return new Keyring(Map.of("env", decode(base64Key)), "env", null);
    }

    public String activeId() {
        return activeId;
    }

    SecretKey active() {
        return keys.get(activeId);
    }

    SecretKey key(String id) {
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new VaultException("secret sealed with unknown key '" + id + "'");
        }
        return key;
    }

    /** Adds a new active key to the file and returns the keyring that uses it. */
    public Keyring withNewActiveKey() {
        if (file == null) {
            throw new VaultException("the vault key comes from BERTH_VAULT_KEY and cannot be rotated here; "
                    + "use a key file (berth.provisioner.vault.key-file)");
        }
        try {
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            lines.add(newKeyId() + ":" + encode(randomKey()));
            write(file, lines);
            return loadOrCreate(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vault key file " + file, e);
        }
    }

    /** Drops every key but the active one, once nothing is sealed with them any more. */
    public Keyring retireOldKeys() {
        if (file == null || keys.size() == 1) {
            return this;
        }
        write(file, List.of(activeId + ":" + encode(active())));
        return loadOrCreate(file);
    }

    private static void write(Path file, List<String> lines) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vault key file " + file, e);
        }
    }

    private static String newKeyId() {
        return "k" + Instant.now().toEpochMilli() + "-" + Integer.toHexString(new SecureRandom().nextInt(0x10000));
    }

    private static SecretKey randomKey() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }

    private static String encode(SecretKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private static SecretKey decode(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a vault key is not valid base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException("a vault key must be 32 bytes (AES-256), found " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
