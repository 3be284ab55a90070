package dev.berth.security;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Mints the short-lived internal tokens services accept: for this service's own calls ({@link #forService()}) and, in
 * the gateway, on behalf of the person behind a request ({@link #onBehalfOf}). Signing costs about a millisecond, so
 * a token is reused until a third of its life is left.
 */
@ApplicationScoped
public class InternalTokens {

    /** {@code iss} of every Berth token. */
    public static final String ISSUER = "berth";
    /** {@code aud} of the tokens services accept (the gateway's session tokens carry another and are refused). */
    public static final String AUDIENCE = "berth-internal";
    static final Duration LIFETIME = Duration.ofSeconds(90);

    private final String service;
    private final Map<String, Minted> cache = new ConcurrentHashMap<>();

    public InternalTokens(@ConfigProperty(name = "quarkus.application.name") String service) {
        this.service = service;
    }

    /** A token naming this service, role {@link Roles#SERVICE}. */
    public String forService() {
        return token(service, Set.of(Roles.SERVICE));
    }

    /** A token naming a person and their roles, for the request the gateway forwards. */
    public String onBehalfOf(String principal, Set<String> roles) {
        return token(principal, roles);
    }

    private String token(String subject, Set<String> roles) {
        Set<String> sorted = new TreeSet<>(roles);
        String key = subject + '\n' + sorted;
        Instant now = Instant.now();
        Minted minted = cache.get(key);
        if (minted == null || now.isAfter(minted.renewAfter())) {
            String jwt = claims(subject, sorted).issuedAt(now).expiresAt(now.plus(LIFETIME)).sign();
            minted = new Minted(jwt, now.plus(LIFETIME.multipliedBy(2).dividedBy(3)));
            cache.put(key, minted);
        }
        return minted.jwt();
    }

    /** What every internal token says: issuer, audience, who (sub and upn) and their roles (groups). */
    public static JwtClaimsBuilder claims(String subject, Set<String> roles) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject).groups(roles);
    }

    private record Minted(String jwt, Instant renewAfter) {
    }
}
