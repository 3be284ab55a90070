package dev.berth.testing;

import dev.berth.security.InternalTokens;
import dev.berth.security.KeyPairFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This JVM's internal key pair (made on first use, as the embedded run makes {@code $BERTH_HOME/keys}): the services
 * under test and the service processes verify and mint with it, and tests call them with {@link #bearer}.
 */
public final class TestKeys {

    private static Path dir;
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    public static synchronized Path dir() {
        if (dir == null) {
            Path keys = TestInfrastructure.get().dir("keys");
            try {
                KeyPairFiles.ensure(keys);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the test key pair in " + keys, e);
            }
            dir = keys;
        }
        return dir;
    }

    /** The settings that make a service verify and mint with this JVM's pair. */
    public static Map<String, String> settings() {
        return Map.of("mp.jwt.verify.publickey.location", "file:" + dir().resolve(KeyPairFiles.PUBLIC),
                "smallrye.jwt.sign.key.location", "file:" + dir().resolve(KeyPairFiles.PRIVATE));
    }

    /** An internal token (valid an hour) for {@code subject} with {@code roles}, as the gateway would forward it. */
    public static String bearer(String subject, String... roles) {
        Set<String> groups = Set.of(roles);
        return TOKENS.computeIfAbsent(subject + groups, key -> {
            try {
                return InternalTokens.claims(subject, groups).expiresIn(Duration.ofHours(1))
                        .sign(KeyPairFiles.readPrivate(dir()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
