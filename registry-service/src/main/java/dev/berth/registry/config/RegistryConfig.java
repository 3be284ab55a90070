package dev.berth.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All {@code berth.registry.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.registry")
public interface RegistryConfig {

    Page page();

    interface Page {
        /** Items per page when a list request names no size. */
        @WithDefault("50")
        int defaultSize();

        /** The largest page a client may ask for; larger requests are refused with 400. */
        @WithDefault("500")
        int maxSize();
    }
}
