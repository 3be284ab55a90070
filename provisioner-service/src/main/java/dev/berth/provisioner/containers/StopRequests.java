package dev.berth.provisioner.containers;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers Berth was just asked to stop. Podman 4.3's API stop emits only {@code died}, so the watcher asks here
 * to tell a requested stop ({@code ContainerStopped}) from a process that ended on its own ({@code ContainerDied}).
 */
@ApplicationScoped
public class StopRequests {

    private static final long FORGET_AFTER_NANOS = Duration.ofMinutes(5).toNanos();

    private final Map<String, Long> requested = new ConcurrentHashMap<>();

    public void note(String containerId) {
        long now = System.nanoTime();
        requested.values().removeIf(at -> now - at > FORGET_AFTER_NANOS);
        requested.put(containerId, now);
    }

    /** True (once) when a stop of this container was requested in the last minutes. */
    public boolean consume(String containerId) {
        Long at = requested.remove(containerId);
        return at != null && System.nanoTime() - at <= FORGET_AFTER_NANOS;
    }
}
