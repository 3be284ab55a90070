package dev.berth.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All {@code berth.provisioner.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.provisioner")
public interface ProvisionerConfig {

    Secrets secrets();

    Operations operations();

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
}
