package dev.berth.provisioner.engine;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes a SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's storage format) so passwords reach the server
 * already hashed, like {@code psql \password} does: the plain password never appears in a statement, so it can
 * never land in the server log through {@code log_statement} or {@code log_min_error_statement}.
 */
public final class ScramVerifier {

    /**
     * PostgreSQL's default is 4096, which protects passwords people choose. Berth's are 32 random alphanumerics
     * (~190 bits): no iteration count changes how hard they are to guess, but every count is paid again on each
     * {@code CREATE/ALTER ROLE … PASSWORD} (the server runs the verifier once to refuse an empty password: 5–9 ms at
     * 4096 here, 0.6 ms at 128) and by the app's client and the server on every new connection. PostgreSQL 16 made the
     * count a setting ({@code scram_iterations}) for this trade. Passwords people choose never get a Berth verifier.
     */
    static final int ITERATIONS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramVerifier() {
    }

    /** For ASCII passwords (Berth generates alphanumeric ones) SASLprep is the identity. */
    public static String of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256))
                    .getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key");
            Base64.Encoder b64 = Base64.getEncoder();
            return "SCRAM-SHA-256$" + ITERATIONS + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                    + ":" + b64.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SCRAM-SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }
}
