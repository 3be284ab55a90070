package dev.berth.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.gateway.config.GatewayConfig;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    /** A clock the test moves by hand. */
    static final class Hand extends Clock {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final Hand clock = new Hand();
    private final LoginThrottle throttle = new LoginThrottle(config(3, Duration.ofMinutes(15)), clock);

    @Test
    void aNameIsRefusedAfterTooManyFailuresUntilTheWindowHasPassed() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, throttle.refusedFor("ann", "10.0.0.1"));
            throttle.failed("ann", "10.0.0.1");
        }
        clock.now = clock.now.plusSeconds(60);
        assertEquals(Duration.ofMinutes(14), throttle.refusedFor("ann", "10.0.0.2"), "refused from any address");
        assertEquals(Duration.ZERO, throttle.refusedFor("bob", "10.0.0.2"), "other names are not");
        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertEquals(Duration.ZERO, throttle.refusedFor("ann", "10.0.0.1"), "the window has passed");
    }

    @Test
    void successClearsTheNameButAnAddressGuessingManyNamesIsRefused() {
        throttle.failed("ann", "10.0.0.9");
        throttle.failed("ann", "10.0.0.9");
        throttle.succeeded("ann");
        throttle.failed("ann", "10.0.0.9");
        assertEquals(Duration.ZERO, throttle.refusedFor("ann", "10.0.0.9"), "the count started again");
        for (int i = 0; i < 12; i++) {
            throttle.failed("user" + i, "10.0.0.9");
        }
        assertTrue(throttle.refusedFor("someone-new", "10.0.0.9").toMinutes() > 0, "4 × 3 failures from one address");
        assertEquals(Duration.ZERO, throttle.refusedFor("someone-new", "10.0.0.8"));
    }

    private static GatewayConfig config(int max, Duration window) {
        GatewayConfig.Auth auth = (GatewayConfig.Auth) Proxy.newProxyInstance(LoginThrottleTest.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.Auth.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "maxFailedLogins" -> max;
                    case "failedLoginWindow" -> window;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (GatewayConfig) Proxy.newProxyInstance(LoginThrottleTest.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("auth")) {
                        return auth;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
