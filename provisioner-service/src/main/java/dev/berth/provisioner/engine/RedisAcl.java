package dev.berth.provisioner.engine;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place Redis ACL rules are built. An app's "database" on Redis is a key prefix: its user may use keys and
 * channels under {@code prefix:} only, every command except the {@code @admin} and {@code @dangerous} ones (no
 * CONFIG, FLUSHALL, KEYS, DEBUG, ACL, MONITOR, SHUTDOWN …). Each rule is its own argument of the command (no text is
 * parsed), and names are restricted so a rule can never be smuggled in through a name.
 */
public final class RedisAcl {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private RedisAcl() {
    }

    /** {@code ACL SETUSER user reset on >password ~prefix:* &prefix:* +@all -@admin -@dangerous}. */
    public static List<String> createUser(String user, String password, String prefix) {
        return List.of("SETUSER", name(user), "reset", "on", ">" + secret(password), "~" + name(prefix) + ":*",
                "resetchannels", "&" + name(prefix) + ":*", "+@all", "-@admin", "-@dangerous");
    }

    /** A new password for the user, the old ones removed. */
    public static List<String> setPassword(String user, String password) {
        return List.of("SETUSER", name(user), "resetpass", ">" + secret(password));
    }

    public static List<String> deleteUser(String user) {
        return List.of("DELUSER", name(user));
    }

    /** The SCAN pattern of every key under the prefix. */
    public static String keysOf(String prefix) {
        return name(prefix) + ":*";
    }

    static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a Redis user or key prefix is 1–63 of a-z, 0-9 and '_', starting with "
                    + "a letter");
        }
        return name;
    }

    private static String secret(String password) {
        if (password.isEmpty() || password.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("a Redis password has no spaces or control characters");
        }
        return password;
    }
}
