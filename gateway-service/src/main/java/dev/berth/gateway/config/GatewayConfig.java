package dev.berth.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** All {@code berth.gateway.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.gateway")
public interface GatewayConfig {

    Activity activity();

    Services services();

    Routes routes();

    Auth auth();

    Events events();

    /** The live event stream, {@code GET /api/events}. */
    interface Events {
        /** How often an idle stream sends a comment (so proxies keep it open) and checks its sign-in again. */
        @WithDefault("15s")
        Duration heartbeat();

        /** Open streams this gateway keeps at once; one more is answered 503. */
        @WithDefault("1000")
        int maxStreams();

        /** Entries a resumed stream replays at most; a client that missed more is told to reload (event reset). */
        @WithDefault("1000")
        int replayLimit();
    }

    /** Signing in, sessions, the first administrator. */
    interface Auth {
        /** How long a session token is accepted (unless signed out earlier). */
        @WithDefault("12h")
        Duration sessionLifetime();

        /** PBKDF2 iterations for new password hashes (OWASP 2023: 600 000 for HMAC-SHA256). */
        @WithDefault("600000")
        int passwordIterations();

        /** Failed sign-ins for one user name within {@link #failedLoginWindow()} before it is refused (429). */
        @WithDefault("5")
        int maxFailedLogins();

        /** How long failed sign-ins are counted, and how long a refused name waits at most. */
        @WithDefault("15m")
        Duration failedLoginWindow();

        /**
         * How long a live session is taken from memory before it is read again (0: every request reads it). Sign-out
         * and role changes on the same gateway count at once regardless.
         */
        @WithDefault("2s")
        Duration sessionCache();

        /** {@code BERTH_ADMIN_PASSWORD}: the first administrator's password; random when unset. */
        Optional<String> initialAdminPassword();

        /** {@code BERTH_ADMIN_PASSWORD_FILE}: where a random first password is written (0600). */
        @WithDefault("admin.password")
        String initialAdminPasswordFile();
    }

    /** Where the gateway forwards each service's /api routes. */
    interface Services {
        /** {@code BERTH_REGISTRY_URL}: databases, instances, reconciliation. */
        @WithDefault("http://127.0.0.1:8081")
        String registry();

        /** {@code BERTH_BACKUP_URL}: backups, restores, schedules, backup settings and health. */
        @WithDefault("http://127.0.0.1:8083")
        String backup();
    }

    /** How the gateway forwards to each service. */
    interface Routes {
        Route registry();

        /** Backups: {@code ?waitSeconds=} long polls last up to 600 s (application.properties sets 630 s). */
        Route backup();
    }

    interface Route {
        /**
         * Longest silence from the service (no byte of its answer) before the caller gets a 504: long enough for a
         * create or a hand-over; a streamed download resets it with every chunk.
         */
        @WithDefault("120s")
        Duration timeout();
    }

    interface Activity {
        /** Entries {@code GET /api/activity} returns when no limit is given. */
        @WithDefault("50")
        int defaultLimit();

        /** The largest limit a client may ask for; more is refused with 400. */
        @WithDefault("500")
        int maxLimit();
    }
}
