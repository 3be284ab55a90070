package dev.berth.gateway.auth;

import dev.berth.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code max-failed-logins} failed sign-ins for one user name within
 * {@code failed-login-window}, that name is refused until the window has passed; an address gets four times as many
 * (several people behind one NAT mistype too). A successful sign-in clears the name. Kept in memory: a restart
 * forgets, which is acceptable for a throttle.
 */
@ApplicationScoped
public class LoginThrottle {

    private record Failures(int count, Instant since) {
    }

    private static final int MAX_TRACKED = 10_000;

    private final Map<String, Failures> names = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();
    private final GatewayConfig config;
    private final Clock clock;

    @Inject
    public LoginThrottle(GatewayConfig config) {
        this(config, Clock.systemUTC());
    }

    LoginThrottle(GatewayConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** How long sign-ins for this name or from this address stay refused; zero when they may try. */
    public Duration refusedFor(String username, String address) {
        Duration byName = refusedFor(names, username, config.auth().maxFailedLogins());
        Duration byAddress = address == null ? Duration.ZERO
                : refusedFor(addresses, address, config.auth().maxFailedLogins() * 4);
        return byName.compareTo(byAddress) >= 0 ? byName : byAddress;
    }

    public void failed(String username, String address) {
        count(names, username);
        if (address != null) {
            count(addresses, address);
        }
    }

    public void succeeded(String username) {
        names.remove(username);
    }

    private Duration refusedFor(Map<String, Failures> map, String key, int max) {
        Failures failures = map.get(key);
        if (failures == null) {
            return Duration.ZERO;
        }
        Instant until = failures.since().plus(config.auth().failedLoginWindow());
        Instant now = clock.instant();
        if (!now.isBefore(until)) {
            map.remove(key, failures);
            return Duration.ZERO;
        }
        return failures.count() >= max ? Duration.between(now, until) : Duration.ZERO;
    }

    private void count(Map<String, Failures> map, String key) {
        Instant now = clock.instant();
        Duration window = config.auth().failedLoginWindow();
        if (map.size() >= MAX_TRACKED) {
            map.entrySet().removeIf(e -> !now.isBefore(e.getValue().since().plus(window)));
        }
        map.merge(key, new Failures(1, now), (old, one) -> now.isBefore(old.since().plus(window))
                ? new Failures(old.count() + 1, old.since()) : one);
    }
}
