package dev.berth.gateway.auth;

import dev.berth.gateway.auth.Accounts.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns a verified session token into the person behind it, as they are now: the session must still be open (signing
 * out ends it at once) and the role is read from the user, so a changed role counts from the next request (through
 * another gateway: within {@link LiveSessions}' few seconds).
 */
@ApplicationScoped
public class Callers implements SecurityIdentityAugmentor {

    public static final String VIA_SESSION = "session";
    public static final String VIA_API_KEY = "api-key";
    static final String CALLER = "berth.caller";
    static final String VIA = "berth.via";
    static final String SESSION = "berth.session";
    static final String CREDENTIAL = "berth.credential";

    private final LiveSessions sessions;

    public Callers(LiveSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        UUID session;
        try {
            session = UUID.fromString(token.getTokenID());
        } catch (IllegalArgumentException | NullPointerException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("not a Berth session token"));
        }
        return sessions.caller(session).map(caller -> {
            if (caller == null) {
                throw new AuthenticationFailedException("the session has ended");
            }
            return identity(caller, VIA_SESSION, session);
        });
    }

    static SecurityIdentity identity(Caller caller, String via, UUID session) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.username())).addRole(caller.role())
                .addAttribute(CALLER, caller).addAttribute(VIA, via)
                .addAttribute(CREDENTIAL, caller.keyName() == null ? via
                        : via + " '" + caller.keyName() + "' (" + caller.role() + ")");
        if (session != null) {
            builder.addAttribute(SESSION, session);
        }
        return builder.build();
    }

    /** The person behind an authenticated request. */
    public static Caller caller(SecurityIdentity identity) {
        return identity.getAttribute(CALLER);
    }

    public static String via(SecurityIdentity identity) {
        return identity.getAttribute(VIA);
    }

    /** For the audit log: {@code session}, or {@code api-key '<name>' (<role>)}. */
    public static String credential(SecurityIdentity identity) {
        return identity.getAttribute(CREDENTIAL);
    }

    /** The session of a request signed in with a token; null for an API key. */
    public static UUID session(SecurityIdentity identity) {
        return identity.getAttribute(SESSION);
    }
}
