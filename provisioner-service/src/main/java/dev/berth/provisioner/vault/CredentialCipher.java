package dev.berth.provisioner.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a random 96-bit nonce per secret. The owner of a secret (e.g. {@code database/<id>/login}) is
 * bound in as associated data, so a ciphertext copied onto another row does not open.
 */
public final class CredentialCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed secret as stored: the key that sealed it, its nonce and the ciphertext (with tag). */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    private volatile Keyring keyring;

    public CredentialCipher(Keyring keyring) {
        this.keyring = keyring;
    }

    public Keyring keyring() {
        return keyring;
    }

    public void use(Keyring next) {
        this.keyring = next;
    }

    public Sealed seal(String secret, String owner) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Keyring ring = keyring;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ring.active(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return new Sealed(ring.activeId(), nonce, cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new VaultException("cannot seal a secret: " + e.getClass().getSimpleName(), e);
        }
    }

    public String open(Sealed sealed, String owner) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keyring.key(sealed.keyId()), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new VaultException("the secret of " + owner + " was tampered with or belongs elsewhere");
        } catch (GeneralSecurityException e) {
            throw new VaultException("cannot open the secret of " + owner + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
