package dev.berth.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All {@code berth.gateway.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.gateway")
public interface GatewayConfig {

    Activity activity();

    Services services();

    /** Where the gateway forwards each service's /api routes. */
    interface Services {
        /** {@code BERTH_REGISTRY_URL}: databases, instances, reconciliation. */
        @WithDefault("http://127.0.0.1:8081")
        String registry();

        /** {@code BERTH_BACKUP_URL}: backups, restores, schedules, backup settings and health. */
        @WithDefault("http://127.0.0.1:8083")
        String backup();
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
