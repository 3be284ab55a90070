package dev.berth.provisioner.engine;

import java.util.UUID;

/** How the provisioner reaches an instance as its admin; the password itself stays in the vault. */
public record InstanceEndpoint(UUID instanceId, String host, int port, String adminUser, String sslmode) {
}
