package dev.berth.contracts.provisioning;

import dev.berth.contracts.catalog.Engine;

/**
 * A dedicated instance as the provisioner runs it: its container, image and volume, where Berth's services reach it
 * ({@code address}, the container's address on the data network, and {@code port}), the published host port if any,
 * and its admin. {@code adminPassword} is set only in the answer to the create (shown once), never after.
 */
public record DedicatedInstance(String instanceId, Engine engine, String container, String containerId, String image,
        String version, String volume, String address, int port, Integer hostPort, String adminUser,
        String adminPassword, String state, String health, Long readyMillis) {

    public DedicatedInstance withoutPassword() {
        return new DedicatedInstance(instanceId, engine, container, containerId, image, version, volume, address, port,
                hostPort, adminUser, null, state, health, readyMillis);
    }

    @Override
    public String toString() {
        return "DedicatedInstance[" + container + ", " + engine.wire() + ", " + state + "/" + health + "]";
    }
}
