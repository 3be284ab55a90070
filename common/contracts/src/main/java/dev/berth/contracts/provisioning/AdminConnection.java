package dev.berth.contracts.provisioning;

import java.util.UUID;

/**
 * How to reach a database as its instance's admin ({@code engine}: postgresql, mariadb, mysql or redis, whose
 * "database" is a key prefix), handed out by the provisioner ({@code GET
 * /internal/databases/{id}/admin-connection}) to the backup service for one run. Kept in memory only:
 * never stored, logged ({@code toString} hides the password) or put in an event.
 */
public record AdminConnection(UUID instanceId, String host, int port, String user, String password, String sslmode,
        String database, String ownerRole, int serverVersionNum, String engine) {

    /** A PostgreSQL server's admin connection. */
    public AdminConnection(UUID instanceId, String host, int port, String user, String password, String sslmode,
            String database, String ownerRole, int serverVersionNum) {
        this(instanceId, host, port, user, password, sslmode, database, ownerRole, serverVersionNum, "postgresql");
    }

    public AdminConnection {
        engine = engine == null ? "postgresql" : engine;
    }

    public boolean postgresql() {
        return "postgresql".equals(engine);
    }

    /** The same server, another database on it (a scratch copy). */
    public AdminConnection withDatabase(String other) {
        return new AdminConnection(instanceId, host, port, user, password, sslmode, other, null, serverVersionNum,
                engine);
    }

    /** The server's major version (15 for 150004). */
    public int serverMajor() {
        return serverVersionNum / 10000;
    }

    @Override
    public String toString() {
        return "AdminConnection[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
