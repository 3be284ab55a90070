package dev.berth.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** All {@code berth.provisioner.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.provisioner")
public interface ProvisionerConfig {

    Secrets secrets();

    Operations operations();

    Vault vault();

    DefaultInstance defaultInstance();

    Pool pool();

    Rotation rotation();

    Pooler pooler();

    /** PgBouncer in front of the default instance (a host install's): its port and the read-only stats login. */
    interface Pooler {
        Optional<Integer> port();

        @WithDefault("berth_pgbouncer_stats")
        String statsUser();

        Optional<String> statsPassword();
    }

    interface Secrets {
        /** Delete a database's vault entries when its {@code DatabaseDropped(policy=delete)} arrives. */
        @WithDefault("true")
        boolean purgeOnDrop();
    }

    interface Operations {
        /** Most operations {@code GET /api/operations} returns. */
        @WithDefault("100")
        int listLimit();
    }

    interface Vault {
        /** The master key file (0600, created on first start). Ignored when {@code key} is set. */
        @WithDefault("${user.home}/.local/share/berth/vault.key")
        String keyFile();

        /** A base64 AES-256 key from the environment (BERTH_VAULT_KEY); such a key cannot be rotated by Berth. */
        Optional<String> key();
    }

    /** The host PostgreSQL every Berth has; registered under {@code DefaultInstance.ID} at start when set. */
    interface DefaultInstance {
        Optional<String> host();

        @WithDefault("5432")
        int port();

        @WithDefault("postgres")
        String adminUser();

        Optional<String> adminPassword();

        @WithDefault("prefer")
        String sslmode();
    }

    interface Pool {
        /** Pre-created databases kept ready per shared instance; 0 turns the warm pool off. */
        @WithDefault("4")
        int size();

        /** How often the pool is topped up (it is also topped up right after each claim). */
        @WithDefault("5s")
        Duration refillInterval();
    }

    interface Rotation {
        /** How long the old login keeps working after a zero-downtime rotation, unless the request says. */
        @WithDefault("15m")
        Duration defaultGrace();

        /** How often retiring logins past their grace are checked. */
        @WithDefault("1s")
        Duration retireInterval();
    }
}
