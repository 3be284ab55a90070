package dev.berth.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code berth.containers.*}: the Podman service Berth runs app containers on; documented in the README. */
@ConfigMapping(prefix = "berth.containers")
public interface ContainersConfig {

    /** The Podman API socket ({@code podman system service}); without it the container API answers 503. */
    Optional<String> socket();

    /**
     * Where the admission hook listens: a Podman/Docker API socket that injects databases into container creates
     * ({@code podman --url unix://…}, {@code DOCKER_HOST=unix://…}); unset = no hook.
     */
    Optional<String> hookSocket();

    /** Value of the {@code berth.owner} label on every container Berth makes; the watcher follows only these. */
    @WithDefault("berth")
    String owner();

    /** The network app containers join (created if missing) so they reach Berth's databases. */
    @WithDefault("berth-data")
    String network();

    @WithDefault("172.30.0.0/16")
    String subnet();

    /** Seconds a container gets to stop before it is killed. */
    @WithDefault("10s")
    Duration stopTimeout();

    /** Follow Podman's event stream and publish container lifecycle events. */
    @WithDefault("true")
    boolean watchEvents();

    /**
     * Where container events come from: {@code auto} follows Podman's event log file with inotify when Podman logs
     * events to a file Berth can read ({@code /run/libpod/events/events.log}), else the API's event stream (which
     * polls that file every 250 ms); {@code api} always uses the stream; a path names the log file.
     */
    @WithDefault("auto")
    String eventsSource();

    /** Wait before reconnecting a broken event stream. */
    @WithDefault("1s")
    Duration watchRetry();
}
