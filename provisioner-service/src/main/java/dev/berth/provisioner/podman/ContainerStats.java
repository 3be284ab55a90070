package dev.berth.provisioner.podman;

/** A one-shot resource sample of a running container. */
public record ContainerStats(String id, double cpuPercent, long memoryUsageBytes, long memoryLimitBytes,
        long networkInputBytes, long networkOutputBytes, long pids) {
}
