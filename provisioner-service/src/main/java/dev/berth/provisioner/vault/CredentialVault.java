package dev.berth.provisioner.vault;

import dev.berth.provisioner.config.ProvisionerConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The provisioner's secrets, sealed with {@link CredentialCipher} in {@code vault_secrets}. A secret belongs to an
 * owner ({@code instance} or {@code database}, its id) and has a purpose ({@code admin}, {@code login}, …); the
 * three together are the associated data, so a row copied elsewhere does not open.
 */
@Startup
@ApplicationScoped
public class CredentialVault {

    private static final Logger LOG = Logger.getLogger(CredentialVault.class);

    @Inject
    Pool pool;

    @Inject
    ProvisionerConfig config;

    private CredentialCipher cipher;

    @PostConstruct
    void loadKeys() {
        Keyring keyring = config.vault().key().filter(k -> !k.isBlank())
                .map(Keyring::fromEnvironment)
                .orElseGet(() -> Keyring.loadOrCreate(Path.of(config.vault().keyFile())));
        cipher = new CredentialCipher(keyring);
        LOG.infof("vault key %s active", keyring.activeId());
    }

    /** Seals and stores (or replaces) a secret inside the caller's transaction. */
    public Uni<Void> store(SqlClient tx, String kind, String ownerId, String purpose, String secret) {
        CredentialCipher.Sealed sealed = cipher.seal(secret, aad(kind, ownerId, purpose));
        return tx.preparedQuery("INSERT INTO vault_secrets (id, owner_kind, owner_id, purpose, key_id, nonce, ciphertext) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner_kind, owner_id, purpose) DO UPDATE "
                        + "SET key_id = $5, nonce = $6, ciphertext = $7, rotated_at = now()")
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), kind, ownerId, purpose, sealed.keyId(),
                        io.vertx.core.buffer.Buffer.buffer(sealed.nonce()),
                        io.vertx.core.buffer.Buffer.buffer(sealed.ciphertext())}))
                .replaceWithVoid();
    }

    /** Stores a secret only if none is stored yet under that owner and purpose (first writer wins). */
    public Uni<Void> storeIfAbsent(String kind, String ownerId, String purpose, String secret) {
        CredentialCipher.Sealed sealed = cipher.seal(secret, aad(kind, ownerId, purpose));
        return pool.preparedQuery("INSERT INTO vault_secrets (id, owner_kind, owner_id, purpose, key_id, nonce, "
                        + "ciphertext) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner_kind, owner_id, purpose) "
                        + "DO NOTHING")
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), kind, ownerId, purpose, sealed.keyId(),
                        io.vertx.core.buffer.Buffer.buffer(sealed.nonce()),
                        io.vertx.core.buffer.Buffer.buffer(sealed.ciphertext())}))
                .replaceWithVoid();
    }

    public Uni<Optional<String>> read(String kind, String ownerId, String purpose) {
        return pool.preparedQuery("SELECT key_id, nonce, ciphertext FROM vault_secrets "
                        + "WHERE owner_kind = $1 AND owner_id = $2 AND purpose = $3")
                .execute(Tuple.of(kind, ownerId, purpose))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty()
                        : Optional.of(cipher.open(sealedOf(rows.iterator().next()), aad(kind, ownerId, purpose))));
    }

    public Uni<Void> forget(SqlClient tx, String kind, String ownerId) {
        return tx.preparedQuery("DELETE FROM vault_secrets WHERE owner_kind = $1 AND owner_id = $2")
                .execute(Tuple.of(kind, ownerId)).replaceWithVoid();
    }

    public Uni<Void> forget(SqlClient tx, String kind, String ownerId, String purpose) {
        return tx.preparedQuery("DELETE FROM vault_secrets WHERE owner_kind = $1 AND owner_id = $2 AND purpose = $3")
                .execute(Tuple.of(kind, ownerId, purpose)).replaceWithVoid();
    }

    /**
     * Adds a new master key and re-seals every secret under it in one transaction; the old keys leave the key file
     * only after that commit, so a crash in between never strands a secret.
     */
    public Uni<KeyRotation> rotateKey() {
        Keyring next = cipher.keyring().withNewActiveKey();
        CredentialCipher nextCipher = new CredentialCipher(next);
        return pool.withTransaction(tx -> tx.query("SELECT id, owner_kind, owner_id, purpose, key_id, nonce, ciphertext "
                        + "FROM vault_secrets FOR UPDATE").execute()
                .flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    int count = 0;
                    for (Row row : rows) {
                        String aad = aad(row.getString("owner_kind"), row.getString("owner_id"), row.getString("purpose"));
                        String plain = nextCipher.open(sealedOf(row), aad);
                        CredentialCipher.Sealed resealed = nextCipher.seal(plain, aad);
                        UUID id = row.getUUID("id");
                        chain = chain.flatMap(v -> tx.preparedQuery("UPDATE vault_secrets SET key_id = $2, nonce = $3, "
                                        + "ciphertext = $4 WHERE id = $1")
                                .execute(Tuple.from(new Object[] {id, resealed.keyId(),
                                        io.vertx.core.buffer.Buffer.buffer(resealed.nonce()),
                                        io.vertx.core.buffer.Buffer.buffer(resealed.ciphertext())}))
                                .replaceWithVoid());
                        count++;
                    }
                    int resealedCount = count;
                    return chain.replaceWith(resealedCount);
                }))
                .map(count -> {
                    Keyring retired = next.retireOldKeys();
                    cipher.use(retired);
                    LOG.infof("vault key rotated to %s; %d secrets re-sealed", retired.activeId(), count);
                    return new KeyRotation(retired.activeId(), count);
                });
    }

    /** The outcome of a key rotation: the new key's id and how many secrets were re-sealed. */
    public record KeyRotation(String activeKeyId, int resealed) {
    }

    private static CredentialCipher.Sealed sealedOf(Row row) {
        return new CredentialCipher.Sealed(row.getString("key_id"), row.getBuffer("nonce").getBytes(),
                row.getBuffer("ciphertext").getBytes());
    }

    private static String aad(String kind, String ownerId, String purpose) {
        return kind + "/" + ownerId + "/" + purpose;
    }
}
