package dev.berth.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void theRightPasswordMatchesAndNothingElseDoes() {
        String hash = Passwords.hash("correct horse battery", 2_000);
        assertTrue(hash.startsWith("pbkdf2-sha256$2000$"), hash);
        assertFalse(hash.contains("correct horse"), "the password is not in its hash");
        assertTrue(Passwords.matches("correct horse battery", hash));
        assertFalse(Passwords.matches("correct horse battery ", hash));
        assertFalse(Passwords.matches("", hash));
    }

    @Test
    void sameSaltNeverTwiceAndAChangedHashNeverMatches() {
        String a = Passwords.hash("same password here", 2_000);
        String b = Passwords.hash("same password here", 2_000);
        assertNotEquals(a, b, "a random salt per hash");
        String[] parts = a.split("\\$");
        char last = parts[3].charAt(0);
        String tampered = parts[0] + "$" + parts[1] + "$" + parts[2] + "$" + (last == 'A' ? 'B' : 'A')
                + parts[3].substring(1);
        assertFalse(Passwords.matches("same password here", tampered));
        assertFalse(Passwords.matches("same password here", "md5$whatever"));
    }
}
