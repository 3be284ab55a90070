package dev.berth.backup.service;

import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.engine.PgTools;
import dev.berth.backup.engine.ToolRun;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.backup.storage.BackupStorage;
import dev.berth.contracts.provisioning.AdminConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * {@code pg_dumpall --globals-only} of an instance (roles with their password hashes, tablespaces), taken with the
 * scheduled backups so that after losing a server its roles can be rebuilt before the databases are restored. The
 * newest {@value #KEEP} per instance are kept.
 */
@ApplicationScoped
public class GlobalsDump {

    static final int KEEP = 14;
    private static final Logger LOG = Logger.getLogger(GlobalsDump.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Inject
    Pool db;

    @Inject
    PgTools tools;

    @Inject
    BackupFiles files;

    @Inject
    BackupStorage storage;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    /** A globals dump as listed by the API. */
    public record Globals(UUID id, String instanceId, String storageKey, long sizeBytes, String sha256,
            boolean encrypted, OffsetDateTime takenAt) {

        static Globals of(Row r) {
            return new Globals(r.getUUID("id"), r.getString("instance_id"), r.getString("storage_key"),
                    r.getLong("size_bytes"), r.getString("sha256"), r.getBoolean("encrypted"),
                    r.getOffsetDateTime("taken_at"));
        }
    }

    /** Whether the instance's newest globals dump is older than {@code age} (or missing). */
    public boolean olderThan(String instanceId, Duration age) {
        List<Globals> list = list(instanceId);
        return list.isEmpty() || list.get(0).takenAt().isBefore(OffsetDateTime.now().minus(age));
    }

    public List<Globals> list(String instanceId) {
        List<Globals> list = new ArrayList<>();
        db.preparedQuery("SELECT id, instance_id, storage_key, size_bytes, sha256, encrypted, taken_at "
                        + "FROM instance_globals WHERE ($1::text IS NULL OR instance_id = $1) ORDER BY taken_at DESC")
                .execute(Tuple.of(instanceId)).await().indefinitely().forEach(r -> list.add(Globals.of(r)));
        return list;
    }

    /**
     * Dumps the instance's globals (roles and their settings) into storage; returns the record, or null for an
     * instance of another engine (MariaDB's and Redis' users are made again by the provisioner, not restored).
     */
    public Globals take(String instanceId) throws IOException {
        AdminConnection conn = provisioner.instanceAdmin(instanceId);
        if (!conn.postgresql()) {
            return null;
        }
        UUID id = UUID.randomUUID();
        boolean encrypt = files.encrypting();
        String key = "_instances/" + instanceId + "/globals-" + LocalDateTime.now().format(STAMP) + "-"
                + id.toString().substring(0, 8) + (encrypt ? ".sql.enc" : ".sql");
        BackupFiles.Sink sink = files.create(key, id.toString(), encrypt);
        try {
            ToolRun.streamInto("pg_dumpall", tools.command("pg_dumpall", conn,
                    List.of("--globals-only", "--no-password")), sink.plain());
            BackupFiles.Written written = sink.finish();
            db.preparedQuery("INSERT INTO instance_globals (id, instance_id, storage_key, size_bytes, sha256, encrypted) "
                            + "VALUES ($1, $2, $3, $4, $5, $6)")
                    .execute(Tuple.of(id, instanceId, key, written.sizeBytes(), written.sha256(), encrypt))
                    .await().indefinitely();
            prune(instanceId);
            return list(instanceId).get(0);
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    private void prune(String instanceId) {
        List<Globals> list = list(instanceId);
        for (Globals old : list.subList(Math.min(KEEP, list.size()), list.size())) {
            try {
                storage.delete(old.storageKey());
                db.preparedQuery("DELETE FROM instance_globals WHERE id = $1").execute(Tuple.of(old.id()))
                        .await().indefinitely();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("could not prune globals dump %s: %s", old.storageKey(), e.getMessage());
            }
        }
    }
}
