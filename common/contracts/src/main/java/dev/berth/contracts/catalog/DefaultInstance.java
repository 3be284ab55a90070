package dev.berth.contracts.catalog;

import java.util.UUID;

/**
 * The instance every Berth has: the host PostgreSQL from configuration. The registry lists it and the provisioner
 * holds its admin credentials under this id, so both agree on it without a handshake.
 */
public final class DefaultInstance {

    public static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000001");
    public static final String NAME = "default";

    private DefaultInstance() {
    }
}
