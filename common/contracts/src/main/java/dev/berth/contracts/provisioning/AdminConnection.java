package dev.berth.contracts.provisioning;

import java.util.UUID;

/**
 * How to reach a database as its instance's admin, handed out by the provisioner ({@code GET
 * /internal/databases/{id}/admin-connection}) to the backup service for one run. Kept in memory only:
 * never stored, logged ({@code toString} hides the password) or put in an event.
 */
public record AdminConnection(UUID instanceId, String host, int port, String user, String password, String sslmode,
        String database, String ownerRole, int serverVersionNum) {

    /** The server's major version (15 for 150004). */
    public int serverMajor() {
        return serverVersionNum / 10000;
    }

    @Override
    public String toString() {
        return "AdminConnection[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
