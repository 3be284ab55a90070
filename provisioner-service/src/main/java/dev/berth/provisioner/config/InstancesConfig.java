package dev.berth.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code berth.instances.*}: dedicated instances (database servers in containers on Berth's Podman); documented in
 * the README. Debian has no MySQL 8 or MongoDB: their images are named here and must be on the host to be used.
 */
@ConfigMapping(prefix = "berth.instances")
public interface InstancesConfig {

    Image postgresql();

    Image mariadb();

    Image mysql();

    Image redis();

    Image mongodb();

    /** How long a new or started instance may take to pass its health check (below the registry's read timeout). */
    @WithDefault("50s")
    Duration readyTimeout();

    /** How often the health of every running instance is checked (and its address refreshed). */
    @WithDefault("10s")
    Duration healthInterval();

    /** How long a database server gets to shut down cleanly before it is killed. */
    @WithDefault("30s")
    Duration stopTimeout();

    /** An engine's image and the version it runs (a request for another major version is refused). */
    interface Image {
        String image();

        String version();
    }
}
