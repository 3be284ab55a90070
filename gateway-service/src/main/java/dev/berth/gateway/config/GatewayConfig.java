package dev.berth.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All {@code berth.gateway.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.gateway")
public interface GatewayConfig {

    Activity activity();

    interface Activity {
        /** Entries {@code GET /api/activity} returns when no limit is given. */
        @WithDefault("50")
        int defaultLimit();

        /** The largest limit a client may ask for; more is refused with 400. */
        @WithDefault("500")
        int maxLimit();
    }
}
