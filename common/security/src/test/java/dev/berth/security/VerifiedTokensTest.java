package dev.berth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verification memory over smallrye-jwt's real parser and real RS256 tokens; only the memory's clock is ours. */
class VerifiedTokensTest {

    private static KeyPair keys;
    private static KeyPair stranger;

    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private VerifiedTokens tokens;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        stranger = generator.generateKeyPair();
    }

    @BeforeEach
    void parser() {
        JWTAuthContextInfo context = new JWTAuthContextInfo((RSAPublicKey) keys.getPublic(), InternalTokens.ISSUER);
        context.setExpectedAudience(Set.of(InternalTokens.AUDIENCE));
        DefaultJWTParser real = new DefaultJWTParser(context);
        JWTParser counting = (JWTParser) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {JWTParser.class}, (proxy, method, args) -> {
                    checks.incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        tokens = new VerifiedTokens(counting, now::get, 50);
    }

    private static String token(String subject, Instant expires, KeyPair by) {
        return InternalTokens.claims(subject, Set.of("admin")).issuedAt(Instant.now()).expiresAt(expires)
                .sign(by.getPrivate());
    }

    @Test
    void aTokenIsCheckedOnceThenRecognised() throws Exception {
        String token = token("ada", Instant.now().plusSeconds(90), keys);
        JsonWebToken first = tokens.parse(token);
        JsonWebToken again = tokens.parse(token);
        assertEquals(1, checks.get(), "the second request with the same token was checked again");
        assertEquals("ada", again.getName());
        assertEquals(Set.of("admin"), again.getGroups());
        assertEquals(first.getExpirationTime(), again.getExpirationTime());
    }

    @Test
    void oneChangedByteIsCheckedAndRefusedEvenAfterTheGenuineTokenWasAccepted() throws Exception {
        String token = token("ada", Instant.now().plusSeconds(90), keys);
        tokens.parse(token);
        char last = token.charAt(token.length() - 2);
        String forged = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        assertThrows(ParseException.class, () -> tokens.parse(forged));
        String otherKey = token("ada", Instant.now().plusSeconds(90), stranger);
        assertThrows(ParseException.class, () -> tokens.parse(otherKey));
        String otherAudience = Jwt.issuer(InternalTokens.ISSUER).audience("berth-gateway").subject("ada")
                .expiresAt(Instant.now().plusSeconds(90)).sign(keys.getPrivate());
        assertThrows(ParseException.class, () -> tokens.parse(otherAudience));
        assertEquals(4, checks.get());
    }

    @Test
    void aRefusedTokenIsCheckedEveryTime() {
        String otherKey = token("mallory", Instant.now().plusSeconds(90), stranger);
        assertThrows(ParseException.class, () -> tokens.parse(otherKey));
        assertThrows(ParseException.class, () -> tokens.parse(otherKey));
        assertEquals(2, checks.get());
    }

    @Test
    void aTokenIsNotRecognisedPastItsExpiryNorPastAMinute() throws Exception {
        Instant expires = Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String shortLived = token("ada", expires, keys);
        tokens.parse(shortLived);
        now.set(expires.toEpochMilli() - 1);
        tokens.parse(shortLived);
        assertEquals(1, checks.get(), "recognised until its expiry");
        now.set(expires.toEpochMilli());
        tokens.parse(shortLived); // the real parser still accepts it (its own clock, 60 s of skew); ours checked it
        assertEquals(2, checks.get(), "a token past its expiry was taken from memory");

        String longLived = token("grace", Instant.now().plusSeconds(3600), keys);
        now.set(System.currentTimeMillis());
        tokens.parse(longLived);
        now.addAndGet(VerifiedTokens.LONGEST - 1);
        tokens.parse(longLived);
        assertEquals(3, checks.get());
        now.addAndGet(1);
        tokens.parse(longLived);
        assertEquals(4, checks.get(), "a verification was reused for longer than a minute");
    }

    @Test
    void manyDistinctTokensStayBounded() throws Exception {
        String keep = token("ada", Instant.now().plusSeconds(90), keys);
        for (int i = 0; i < 50 + 10; i++) {
            tokens.parse(i == 0 ? keep : token("user" + i, Instant.now().plusSeconds(90), keys));
        }
        assertEquals(50 + 10, checks.get());
        tokens.parse(keep); // the memory was emptied once it was full: checked again, and accepted
        assertEquals(50 + 11, checks.get());
    }
}
