package dev.berth.contracts.provisioning;

import dev.berth.contracts.catalog.Engine;

/**
 * What the registry asks the provisioner to run: container {@code container} (the registry's
 * {@code name-environment-engine}) from the image for {@code engine} and {@code version} (null = the host's),
 * with the limits (null = none) and, when {@code hostPort} is set, published on 127.0.0.1 at that port.
 */
public record DedicatedInstanceRequest(String name, String environment, Engine engine, String container,
        String version, Long memoryBytes, Double cpus, Integer hostPort) {
}
