package dev.berth.gateway.auth;

import dev.berth.gateway.auth.Accounts.Caller;
import dev.berth.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this gateway saw lately, so a request does not cost a database query each: a live session is taken
 * from memory for {@code berth.gateway.auth.session-cache} (2 s by default), then read again. Whatever ends or changes a
 * sign-in on this gateway (sign-out, a password or role change, a removed user) drops the entry at once; a change made
 * through another gateway counts here after at most that long.
 */
@ApplicationScoped
public class LiveSessions {

    private record Seen(Caller caller, long until) {
    }

    private final Accounts accounts;
    private final long ttlNanos;
    private final Map<UUID, Seen> seen = new ConcurrentHashMap<>();

    public LiveSessions(Accounts accounts, GatewayConfig config) {
        this.accounts = accounts;
        this.ttlNanos = config.auth().sessionCache().toNanos();
    }

    /** The person behind a live session, or null when it has ended. */
    public Uni<Caller> caller(UUID session) {
        Seen s = seen.get(session);
        long now = System.nanoTime();
        if (s != null && now - s.until() < 0) {
            return Uni.createFrom().item(s.caller());
        }
        return accounts.session(session).invoke(caller -> {
            if (caller == null) {
                seen.remove(session);
            } else if (ttlNanos > 0) {
                if (seen.size() > 10_000) {
                    seen.clear();
                }
                seen.put(session, new Seen(caller, now + ttlNanos));
            }
        });
    }

    void signInChanged(@Observes SignInChanged change) {
        if (change.session() != null) {
            seen.remove(change.session());
        }
        if (change.userId() != null) {
            seen.values().removeIf(s -> s.caller().userId().equals(change.userId()));
        }
    }
}
