package dev.berth.provisioner.podman;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One container as Podman reports it (list or inspect): {@code state} is Podman's word (created, running, exited,
 * stopped, paused…); {@code env} only from inspect (empty from a list); {@code ports} the published ones;
 * {@code startedAt} only from inspect.
 */
public record ContainerInfo(String id, String name, String image, String state, Integer exitCode,
        Map<String, String> labels, Map<String, String> env, OffsetDateTime created, Map<String, String> addresses,
        java.util.List<ContainerSpec.PortMapping> ports, OffsetDateTime startedAt) {

    public boolean running() {
        return "running".equals(state);
    }

    public String label(String key) {
        return labels == null ? null : labels.get(key);
    }
}
