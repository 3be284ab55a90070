package dev.berth.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks each bearer token once, not on every request. A person's session token comes back with every click for
 * hours, and the internal token the gateway mints on their behalf is reused for a minute (see {@link InternalTokens}),
 * yet smallrye-jwt verifies the RS256 signature and parses the JSON anew each time: about 40 % of the gateway's CPU
 * per forwarded request (profiled under load, issue 18). A token this parser accepted is taken from memory, as the
 * very same string, until it expires or {@link #LONGEST} has passed, whichever is first; anything else (a new token,
 * one changed byte, an expired one) is checked by smallrye-jwt's parser exactly as before.
 *
 * <p>Nothing a token's signature does not already fix is remembered: an ended session is still refused at once (the
 * gateway looks sessions up per request), and a rotated key pair restarts every service.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    /** Longest a verification is reused. */
    static final long LONGEST = 60_000;
    /** Most tokens kept; past that the memory is emptied (a flood of distinct tokens only costs their checks). */
    static final int MOST = 4_096;

    private record Verified(JsonWebToken token, long until) {
    }

    private final JWTParser parser;
    private final LongSupplier clock;
    private final int most;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    public VerifiedTokens(DefaultJWTParser parser) {
        this(parser, System::currentTimeMillis, MOST);
    }

    VerifiedTokens(JWTParser parser, LongSupplier clock, int most) {
        this.parser = parser;
        this.clock = clock;
        this.most = most;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        Verified seen = verified.get(token);
        if (seen != null) {
            if (now < seen.until()) {
                return seen.token();
            }
            verified.remove(token, seen);
        }
        JsonWebToken checked = parser.parse(token);
        long expires = checked.getExpirationTime() * 1000;
        if (expires > now) {
            if (verified.size() >= most) {
                verified.clear();
            }
            verified.put(token, new Verified(checked, Math.min(expires, now + LONGEST)));
        }
        return checked;
    }

    // Everything else (tokens checked against a key or context the caller names) is not remembered.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return parser.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return parser.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return parser.parseOnly(token);
    }
}
