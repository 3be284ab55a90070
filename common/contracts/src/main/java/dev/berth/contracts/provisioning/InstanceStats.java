package dev.berth.contracts.provisioning;

import java.time.OffsetDateTime;

/**
 * A dedicated instance's figures: from Podman (CPU, memory, since when the container runs) and from the engine
 * (data size in bytes, client connections), each null when it could not be read ({@code unavailable} says why).
 */
public record InstanceStats(String state, String health, Double cpuPercent, Long memoryUsageBytes,
        Long memoryLimitBytes, OffsetDateTime startedAt, Long uptimeSeconds, Long sizeBytes, Integer connections,
        String unavailable) {
}
