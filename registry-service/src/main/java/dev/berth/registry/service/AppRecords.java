package dev.berth.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.registry.service.AppService.App;
import dev.berth.registry.service.AppService.DeployRequest;
import dev.berth.registry.service.AppService.PortRequest;
import dev.berth.registry.service.Detection.Binding;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code apps} table: rows in and out, JSON columns read and written. */
@ApplicationScoped
public class AppRecords {

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    /** A new app row in phase {@code deploying}; a live app of that name already → 409 (unique index). */
    Uni<Void> insertDeploying(UUID id, DeployRequest request, Map<String, String> env, String mode, String policy,
            String origin) {
        return insertDeploying(id, request, env, mode, policy, origin, null);
    }

    /**
     * The same with the deploy's Idempotency-Key, in one transaction with the row: a crash leaves both or neither.
     * {@code key} may be null.
     */
    Uni<Void> insertDeploying(UUID id, DeployRequest request, Map<String, String> env, String mode, String policy,
            String origin, IdempotencyKey key) {
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO apps (id, name, image, env, ports, command, "
                                + "database_mode, deletion_policy, status, origin) VALUES ($1, $2, $3, $4::jsonb, "
                                + "$5::jsonb, $6::jsonb, $7, $8, 'deploying', $9)")
                        .execute(Tuple.from(List.of(id, request.name(), request.image(), write(env),
                                write(request.ports() == null ? List.of() : request.ports()),
                                write(request.command() == null ? List.of() : request.command()), mode, policy,
                                origin)))
                        .call(() -> key == null ? Uni.createFrom().voidItem()
                                : tx.preparedQuery("INSERT INTO app_idempotency_keys (key, request_hash, app_id) "
                                        + "VALUES ($1, $2, $3)").execute(Tuple.of(key.key(), key.requestHash(), id))))
                .onFailure(e -> e instanceof PgException pg && SqlStates.UNIQUE_VIOLATION.equals(pg.getSqlState()))
                .transform(e -> "app_idempotency_keys".equals(((PgException) e).getTable())
                        ? new ProblemException(ProblemType.CONFLICT, "a deploy with this Idempotency-Key is under "
                                + "way; retry shortly")
                        : new NameTaken(request.name()))
                .replaceWithVoid();
    }

    /** A deploy's Idempotency-Key with the hash of the request it came with. */
    record IdempotencyKey(String key, String requestHash) {
    }

    /** The app an earlier deploy with this key made (null when none); another request under the key → 422. */
    Uni<UUID> appOfKey(IdempotencyKey key) {
        return pool.preparedQuery("SELECT request_hash, app_id FROM app_idempotency_keys WHERE key = $1")
                .execute(Tuple.of(key.key())).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    if (!key.requestHash().equals(row.getString("request_hash"))) {
                        throw new ProblemException(ProblemType.IDEMPOTENCY_MISMATCH,
                                "this Idempotency-Key was already used for a different deploy");
                    }
                    return row.getUUID("app_id");
                });
    }

    /**
     * The database a deploy bound, written before its container is asked for: a deploy cut off after this is
     * finished (or undone) with that database, not with another one.
     */
    Uni<Void> recordBinding(UUID id, UUID databaseId, List<Binding> bindings, boolean madeHere) {
        return pool.preparedQuery("UPDATE apps SET database_id = $2, bindings = $3::jsonb, "
                        + "database_made = database_made OR $4, updated_at = now() WHERE id = $1")
                .execute(Tuple.from(java.util.Arrays.asList(id, databaseId, write(bindings), madeHere)))
                .replaceWithVoid();
    }

    /** Whether the app's database was made for it (a failed deploy drops it then). */
    Uni<Boolean> databaseMade(UUID id) {
        return pool.preparedQuery("SELECT database_made FROM apps WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("database_made"));
    }

    /** An app name that a live app has; a 409 for API callers, a reason to bind as a replica for the hook. */
    static final class NameTaken extends ProblemException {
        NameTaken(String name) {
            super(ProblemType.CONFLICT, "an app named " + name + " exists already");
        }
    }

    Uni<Void> delete(UUID id) {
        return pool.preparedQuery("DELETE FROM apps WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    public Uni<App> get(UUID id) {
        return pool.preparedQuery("SELECT * FROM apps WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                throw new ProblemException(ProblemType.NOT_FOUND, "no app " + id);
            }
            return of(rows.iterator().next());
        });
    }

    /** The live app of that name, or null. */
    Uni<App> live(String name) {
        return pool.preparedQuery("SELECT * FROM apps WHERE name = $1 AND removed_at IS NULL")
                .execute(Tuple.of(name)).map(rows -> rows.size() == 0 ? null : of(rows.iterator().next()));
    }

    /** Live apps (not removed), newest first; with {@code includeRemoved} the history too. */
    public Uni<List<App>> list(boolean includeRemoved) {
        return pool.query("SELECT * FROM apps" + (includeRemoved ? "" : " WHERE removed_at IS NULL")
                + " ORDER BY created_at DESC").execute().map(rows -> {
                    List<App> apps = new ArrayList<>();
                    rows.forEach(r -> apps.add(of(r)));
                    return apps;
                });
    }

    /** The live apps bound to a database that have a container. */
    Uni<List<App>> boundTo(UUID databaseId) {
        return pool.preparedQuery("SELECT * FROM apps WHERE database_id = $1 AND removed_at IS NULL "
                + "AND container_id IS NOT NULL ORDER BY name").execute(Tuple.of(databaseId)).map(rows -> {
                    List<App> apps = new ArrayList<>();
                    rows.forEach(r -> apps.add(of(r)));
                    return apps;
                });
    }

    App of(Row r) {
        return new App(r.getUUID("id"), r.getString("name"), r.getString("image"),
                read(r.getValue("env"), new TypeReference<Map<String, String>>() { }),
                read(r.getValue("ports"), new TypeReference<List<PortRequest>>() { }),
                read(r.getValue("command"), new TypeReference<List<String>>() { }), r.getString("database_mode"),
                r.getUUID("database_id"), read(r.getValue("bindings"), new TypeReference<List<Binding>>() { }),
                r.getString("deletion_policy"), r.getString("container_id"), r.getString("status"),
                r.getString("status_detail"), r.getString("origin"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("removed_at"));
    }

    private <T> T read(Object value, TypeReference<T> type) {
        try {
            return json.readValue(value.toString(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable app column: " + e.getOriginalMessage(), e);
        }
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
