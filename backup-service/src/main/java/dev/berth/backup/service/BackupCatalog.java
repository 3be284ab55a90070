package dev.berth.backup.service;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupReason;
import dev.berth.backup.domain.BackupStatus;
import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.BackupFailed;
import dev.berth.contracts.events.BackupStarted;
import dev.berth.contracts.events.BackupVerificationChanged;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.ServerPauses;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code backups} table. Blocking on purpose: it is used from the worker threads that run the tools and from
 * blocking resources, never from an event loop. A backup's end and its event are one transaction (outbox).
 */
@ApplicationScoped
public class BackupCatalog {

    static final String SOURCE = "/berth/backup";

    @Inject
    Pool db;

    @Inject
    Outbox outbox;

    /** What a finished pg_dump produced. */
    public record Result(String storageKey, long sizeBytes, long storedBytes, String sha256, boolean encrypted,
            String serverVersion, String pgDumpVersion, long durationMs, int tableCount, long rowEstimate) {
    }

    public UUID enqueue(String databaseId, BackupReason reason) {
        UUID id = UUID.randomUUID();
        enqueue(db, id, databaseId, reason).await().indefinitely();
        return id;
    }

    /** Queues inside the caller's transaction (the event consumer's). */
    public Uni<Void> enqueue(SqlClient tx, UUID id, String databaseId, BackupReason reason) {
        return tx.preparedQuery("INSERT INTO backups (id, database_id, status, reason) VALUES ($1, $2, 'queued', $3)")
                .execute(Tuple.of(id, databaseId, reason.value())).replaceWithVoid();
    }

    /** An uploaded dump being received: running from the start (nothing to queue), with the database's name. */
    public UUID receiving(String databaseId, String databaseName) {
        UUID id = UUID.randomUUID();
        db.preparedQuery("INSERT INTO backups (id, database_id, status, reason, started_at, database_name) "
                        + "VALUES ($1, $2, 'running', 'import', now(), $3)")
                .execute(Tuple.of(id, databaseId, databaseName)).await().indefinitely();
        return id;
    }

    /** queued → running, announced with {@code BackupStarted}; false when another worker (or a delete) got there first. */
    public boolean start(UUID id, UUID instanceId, String databaseName) {
        return ServerPauses.patient(db.withTransaction(tx -> tx.preparedQuery("UPDATE backups SET status = 'running', started_at = now(), "
                                + "instance_id = $2, database_name = $3 WHERE id = $1 AND status = 'queued' "
                                + "RETURNING database_id, reason")
                        // instance_id is text (an instance id, as the other tables keep it)
                        .execute(Tuple.of(id, instanceId == null ? null : instanceId.toString(), databaseName))
                        .flatMap(rows -> {
                            if (rows.size() == 0) {
                                return Uni.createFrom().item(false);
                            }
                            Row row = rows.iterator().next();
                            return outbox.append(tx, EventEnvelope.of(SOURCE, new BackupStarted(id.toString(),
                                    row.getString("database_id"), row.getString("reason")))).replaceWith(true);
                        })), "recording the start of backup " + id)
                .await().indefinitely();
    }

    /**
     * running → completed with its {@code BackupCompleted} event. Only from running, so that a write retried after a
     * lost acknowledgement does not announce it twice.
     */
    public void complete(Backup queued, Result r) {
        ServerPauses.patient(db.withTransaction(tx -> tx.preparedQuery("UPDATE backups SET status = 'completed', "
                                + "finished_at = now(), storage_key = $2, size_bytes = $3, stored_bytes = $4, sha256 = $5, "
                                + "encrypted = $6, server_version = $7, pg_dump_version = $8, duration_ms = $9, "
                                + "table_count = $10, row_estimate = $11 WHERE id = $1 AND status = 'running'")
                        .execute(Tuple.from(Arrays.asList(queued.id(), r.storageKey(), r.sizeBytes(), r.storedBytes(),
                                r.sha256(), r.encrypted(), r.serverVersion(), r.pgDumpVersion(), r.durationMs(),
                                r.tableCount(), r.rowEstimate())))
                        .flatMap(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                                : outbox.append(tx, EventEnvelope.of(SOURCE, new BackupCompleted(queued.id().toString(),
                                        queued.databaseId(), queued.reason(), r.sizeBytes(), r.sha256(),
                                        r.durationMs()))))), "recording backup " + queued.id() + " as completed")
                .await().indefinitely();
    }

    /** running (or queued) → failed with the reason and its {@code BackupFailed} event, once. */
    public void fail(Backup queued, String summary) {
        ServerPauses.patient(db.withTransaction(tx -> tx.preparedQuery("UPDATE backups SET status = 'failed', "
                                + "finished_at = now(), error = $2 WHERE id = $1 AND status IN ('queued', 'running')")
                        .execute(Tuple.of(queued.id(), summary))
                        .flatMap(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                                : outbox.append(tx, EventEnvelope.of(SOURCE, new BackupFailed(queued.id().toString(),
                                        queued.databaseId(), queued.reason(), summary))))),
                        "recording backup " + queued.id() + " as failed")
                .await().indefinitely();
    }

    public Optional<Backup> find(UUID id) {
        return first(db.preparedQuery("SELECT " + Backup.COLUMNS + " FROM backups WHERE id = $1")
                .execute(Tuple.of(id)).await().indefinitely());
    }

    /** A backup of that database; 404 otherwise. */
    public Backup require(String databaseId, UUID backupId) {
        return find(backupId).filter(b -> b.databaseId().equals(databaseId))
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "database " + databaseId
                        + " has no backup " + backupId));
    }

    /** A completed backup of that database; 404 otherwise, 409 while it is not completed ({@code why} says for what). */
    public Backup requireCompleted(String databaseId, UUID backupId, String why) {
        Backup b = require(databaseId, backupId);
        if (!b.completed()) {
            throw new ProblemException(ProblemType.CONFLICT, "backup " + backupId + " is " + b.status().value()
                    + "; only a completed backup " + why);
        }
        return b;
    }

    /** Per database: the newest completed backup's end, the newest failure's error, the newest attempt's start. */
    public record Summary(OffsetDateTime lastSuccessAt, String lastError, OffsetDateTime lastStartedAt) {
    }

    /** {@link Summary} of every database in one query (newest = latest started, as in {@link #list}). */
    public Map<String, Summary> summaries() {
        Map<String, Summary> byDatabase = new HashMap<>();
        db.query("SELECT database_id, "
                        + "(array_agg(finished_at ORDER BY started_at DESC, id) FILTER (WHERE status = 'completed'))[1], "
                        + "(array_agg(error ORDER BY started_at DESC, id) FILTER (WHERE status = 'failed'))[1], "
                        + "max(started_at) FROM backups GROUP BY database_id")
                .execute().await().indefinitely()
                .forEach(r -> byDatabase.put(r.getString(0), new Summary(r.getOffsetDateTime(1), r.getString(2),
                        r.getOffsetDateTime(3))));
        return byDatabase;
    }

    /** Per database, for the dashboard's lists: the newest backup of any outcome and the newest verified one. */
    public record DatabaseBackups(String databaseId, String databaseName, int completed, long storedBytes,
            OffsetDateTime lastBackupAt, String lastStatus, String lastError, OffsetDateTime lastVerifiedAt,
            String lastVerifyStatus) {
    }

    public List<DatabaseBackups> perDatabase() {
        List<DatabaseBackups> out = new ArrayList<>();
        db.query("SELECT database_id, (array_agg(database_name ORDER BY started_at DESC NULLS LAST) "
                        + "FILTER (WHERE database_name IS NOT NULL))[1], "
                        + "count(*) FILTER (WHERE status = 'completed'), "
                        + "coalesce(sum(stored_bytes) FILTER (WHERE status = 'completed'), 0), "
                        + "(array_agg(coalesce(finished_at, started_at) ORDER BY started_at DESC NULLS LAST, id))[1], "
                        + "(array_agg(status ORDER BY started_at DESC NULLS LAST, id))[1], "
                        + "(array_agg(error ORDER BY started_at DESC NULLS LAST, id))[1], "
                        + "max(verified_at) FILTER (WHERE verify_status IN ('passed', 'failed')), "
                        + "(array_agg(verify_status ORDER BY verified_at DESC NULLS LAST) "
                        + "FILTER (WHERE verify_status IN ('passed', 'failed')))[1] "
                        + "FROM backups GROUP BY database_id ORDER BY database_id")
                .execute().await().indefinitely()
                .forEach(r -> out.add(new DatabaseBackups(r.getString(0), r.getString(1), r.getInteger(2), r.getLong(3),
                        r.getOffsetDateTime(4), r.getString(5), r.getString(6), r.getOffsetDateTime(7),
                        r.getString(8))));
        return out;
    }

    public List<Backup> list(String databaseId) {
        return all(db.preparedQuery("SELECT " + Backup.COLUMNS + " FROM backups WHERE database_id = $1 "
                + "ORDER BY started_at DESC, id").execute(Tuple.of(databaseId)).await().indefinitely());
    }

    public List<Backup> withStatus(BackupStatus status) {
        return all(db.preparedQuery("SELECT " + Backup.COLUMNS + " FROM backups WHERE status = $1 ORDER BY started_at")
                .execute(Tuple.of(status.value())).await().indefinitely());
    }

    public Optional<Backup> latestCompleted(String databaseId) {
        return first(db.preparedQuery("SELECT " + Backup.COLUMNS + " FROM backups WHERE database_id = $1 "
                        + "AND status = 'completed' ORDER BY finished_at DESC LIMIT 1")
                .execute(Tuple.of(databaseId)).await().indefinitely());
    }

    public void delete(UUID id) {
        db.preparedQuery("DELETE FROM backups WHERE id = $1").execute(Tuple.of(id)).await().indefinitely();
    }

    public boolean keyTaken(String key) {
        return db.preparedQuery("SELECT 1 FROM backups WHERE storage_key = $1").execute(Tuple.of(key))
                .await().indefinitely().size() > 0;
    }

    /** A verification began; announced so the page can show it. */
    public void verifying(UUID id) {
        verification(id, "UPDATE backups SET verify_status = 'running', verify_detail = NULL WHERE id = $1 "
                + "RETURNING database_id", Tuple.of(id), "running", null);
    }

    public void verified(UUID id, boolean passed, String detail) {
        String status = passed ? "passed" : "failed";
        verification(id, "UPDATE backups SET verify_status = $2, verified_at = now(), verify_detail = $3 WHERE id = $1 "
                + "RETURNING database_id", Tuple.of(id, status, detail), status, detail);
    }

    private void verification(UUID id, String update, Tuple args, String status, String detail) {
        db.withTransaction(tx -> tx.preparedQuery(update).execute(args).flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().voidItem()
                        : outbox.append(tx, EventEnvelope.of(SOURCE, new BackupVerificationChanged(id.toString(),
                                rows.iterator().next().getString("database_id"), status, detail)))))
                .await().indefinitely();
    }

    private static Optional<Backup> first(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Backup.of(rows.iterator().next()));
    }

    private static List<Backup> all(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Backup> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(Backup.of(r)));
        return list;
    }
}
