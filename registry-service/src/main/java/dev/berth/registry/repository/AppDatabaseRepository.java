package dev.berth.registry.repository;

import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.domain.AppDatabase.Status;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code app_databases} catalog, in plain SQL so writes can share a transaction with the outbox. */
@ApplicationScoped
public class AppDatabaseRepository {

    /** Optional list filters; null means any. */
    public record Filter(String app, UUID instanceId, Status status) {
    }

    @Inject
    Pool pool;

    public Uni<Optional<AppDatabase>> find(UUID id) {
        return find(pool, id);
    }

    /** Inside a transaction: sees its own changes. */
    public Uni<Optional<AppDatabase>> find(SqlClient client, UUID id) {
        return client.preparedQuery(AppDatabase.SELECT + "WHERE d.id = $1").execute(Tuple.of(id)).map(this::first);
    }

    public Uni<Optional<AppDatabase>> findLive(UUID instanceId, String app, String environment) {
        return pool.preparedQuery(AppDatabase.SELECT + "WHERE d.instance_id = $1 AND d.app = $2 AND d.environment = $3 "
                        + "AND d.status IN ('pending', 'ready', 'deleting')")
                .execute(Tuple.of(instanceId, app, environment)).map(this::first);
    }

    public Uni<Boolean> nameTaken(UUID instanceId, String database, String role) {
        return pool.preparedQuery("SELECT 1 FROM app_databases WHERE instance_id = $1 AND (database_name = $2 "
                        + "OR role_name = $3) LIMIT 1")
                .execute(Tuple.of(instanceId, database, role)).map(rows -> rows.size() > 0);
    }

    public Uni<Void> insertPending(SqlClient tx, AppDatabase db) {
        return tx.preparedQuery("INSERT INTO app_databases (id, instance_id, app, environment, database_name, "
                        + "role_name, status, connection_limit, sslmode, pooled) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, "
                        + "$8, $9)")
                .execute(Tuple.from(Arrays.asList(db.id(), db.instanceId(), db.app(), db.environment(),
                        db.databaseName(), db.roleName(), db.connectionLimit(), db.sslmode(), db.pooled())))
                .replaceWithVoid();
    }

    public Uni<Void> rename(UUID id, String database, String role) {
        return pool.preparedQuery("UPDATE app_databases SET database_name = $2, role_name = $3 WHERE id = $1")
                .execute(Tuple.of(id, database, role)).replaceWithVoid();
    }

    public Uni<Void> setPooled(UUID id, boolean pooled) {
        return pool.preparedQuery("UPDATE app_databases SET pooled = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, pooled)).replaceWithVoid();
    }

    public Uni<Void> setStatus(SqlClient sql, UUID id, Status status, String loginRole) {
        return sql.preparedQuery("UPDATE app_databases SET status = $2, login_role = coalesce($3, login_role), "
                        + "updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, status.db(), loginRole)).replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient sql, UUID id) {
        return sql.preparedQuery("DELETE FROM idempotency_keys WHERE database_id = $1").execute(Tuple.of(id))
                .chain(() -> sql.preparedQuery("DELETE FROM app_databases WHERE id = $1").execute(Tuple.of(id)))
                .replaceWithVoid();
    }

    public Uni<Long> count(Filter filter) {
        return pool.preparedQuery("SELECT count(*) FROM app_databases d WHERE " + where())
                .execute(params(filter)).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<List<AppDatabase>> page(Filter filter, int index, int size) {
        Tuple params = params(filter).addInteger(size).addLong((long) index * size);
        return pool.preparedQuery(AppDatabase.SELECT + "WHERE " + where() + " ORDER BY d.created_at, d.id "
                        + "LIMIT $4 OFFSET $5")
                .execute(params).map(this::all);
    }

    public Uni<List<AppDatabase>> onInstance(UUID instanceId) {
        return pool.preparedQuery(AppDatabase.SELECT + "WHERE d.instance_id = $1").execute(Tuple.of(instanceId))
                .map(this::all);
    }

    private static String where() {
        return "($1::text IS NULL OR d.app = $1) AND ($2::uuid IS NULL OR d.instance_id = $2) "
                + "AND ($3::text IS NULL OR d.status = $3)";
    }

    private static Tuple params(Filter f) {
        return Tuple.from(Arrays.asList(f.app(), f.instanceId(), f.status() == null ? null : f.status().db()));
    }

    private Optional<AppDatabase> first(RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(AppDatabase.of(rows.iterator().next()));
    }

    private List<AppDatabase> all(RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        List<AppDatabase> list = new ArrayList<>();
        rows.forEach(r -> list.add(AppDatabase.of(r)));
        return list;
    }
}
