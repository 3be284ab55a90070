package dev.berth.contracts.provisioning;

import dev.berth.contracts.catalog.Engine;

/**
 * What the registry asks the provisioner to run: container {@code container} (the registry's
 * {@code name-environment-engine}) from the image for {@code engine} and {@code version} (null = the host's),
 * with the limits (null = none) and, when {@code hostPort} is set, published on 127.0.0.1 at that port. With
 * {@code namespace} it runs on Kubernetes instead, as a StatefulSet in that namespace (no host port there).
 */
public record DedicatedInstanceRequest(String name, String environment, Engine engine, String container,
        String version, Long memoryBytes, Double cpus, Integer hostPort, String namespace) {

    public DedicatedInstanceRequest(String name, String environment, Engine engine, String container, String version,
            Long memoryBytes, Double cpus, Integer hostPort) {
        this(name, environment, engine, container, version, memoryBytes, cpus, hostPort, null);
    }
}
