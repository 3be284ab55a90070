package dev.berth.provisioner.domain;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One side effect the provisioner carried out (or is carrying out), with its persisted phase. */
public record ProvisioningOperation(UUID id, String kind, String target, String phase, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, String error) {

    public static final String SELECT = "SELECT id, kind, target, phase, started_at, finished_at, error "
            + "FROM provisioning_operations ";

    public static ProvisioningOperation of(Row r) {
        return new ProvisioningOperation(r.getUUID("id"), r.getString("kind"), r.getString("target"),
                r.getString("phase"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"),
                r.getString("error"));
    }
}
