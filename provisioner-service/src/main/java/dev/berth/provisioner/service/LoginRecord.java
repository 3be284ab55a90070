package dev.berth.provisioner.service;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code database_logins}: which roles serve a database now. */
record LoginRecord(UUID databaseId, UUID instanceId, String databaseName, String ownerRole, String loginRole,
        Integer connectionLimit, String retiringRole, OffsetDateTime retireAfter, int generation) {

    static final String COLUMNS = "database_id, instance_id, database_name, owner_role, login_role, connection_limit, "
            + "retiring_role, retire_after, generation";

    static LoginRecord of(Row r) {
        return new LoginRecord(r.getUUID("database_id"), r.getUUID("instance_id"), r.getString("database_name"),
                r.getString("owner_role"), r.getString("login_role"), r.getInteger("connection_limit"),
                r.getString("retiring_role"), r.getOffsetDateTime("retire_after"), r.getInteger("generation"));
    }
}
