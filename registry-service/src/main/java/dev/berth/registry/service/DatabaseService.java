package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.events.CredentialsRotated;
import dev.berth.contracts.events.DatabaseDeletionRequested;
import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.ProvisionRequest;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.quarkus.FaultPoints;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.AppDatabase.Status;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.repository.AppDatabaseRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * App databases end to end: the registry validates and reserves names (row {@code pending}), the provisioner makes
 * role and database, then the row turns {@code ready} together with its {@code DatabaseProvisioned} event. If the
 * provisioner fails, the reserved row goes again: no catalog row without both objects.
 */
@ApplicationScoped
public class DatabaseService {

    /** Creates this registry is waiting on the provisioner for: a retry of one of them must not run it twice. */
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DatabaseService.class);

    static final String SOURCE = "/berth/registry";
    private static final Set<String> SSL_MODES = Set.of("disable", "prefer", "require");

    /** A create as the API received it. */
    public record CreateCommand(String app, String instance, String environment, Integer connectionLimit,
            String sslmode, Boolean warmPool, Boolean pooled, String idempotencyKey) {
    }

    /** A database with the credentials that open it now. */
    public record WithLogin(AppDatabase database, ProvisionedLogin login) {
    }

    @Inject
    Pool pool;

    @Inject
    AppDatabaseRepository databases;

    @Inject
    InstanceCatalog instances;

    @Inject
    Outbox outbox;

    @Inject
    DedicatedInstances dedicatedInstances;

    @Inject
    RegistryConfig config;

    @Inject
    KubernetesSecrets secrets;

    @Inject
    FaultPoints faults;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    public Uni<WithLogin> create(CreateCommand cmd) {
        String app = DatabaseNames.app(cmd.app());
        String environment = DatabaseNames.environment(cmd.environment());
        String sslmode = cmd.sslmode() == null ? config.databases().sslmode() : cmd.sslmode();
        if (!SSL_MODES.contains(sslmode)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "sslmode must be one of prefer, require, disable");
        }
        if (cmd.connectionLimit() != null && (cmd.connectionLimit() < 1 || cmd.connectionLimit() > 10_000)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "connectionLimit must be between 1 and 10000");
        }
        return instances.resolve(cmd.instance()).flatMap(instance -> {
            boolean pooled = pooled(instance, cmd.pooled());
            String hash = hash(app, environment, instance.toString(), String.valueOf(cmd.connectionLimit()), sslmode,
                    String.valueOf(pooled));
            return replay(cmd.idempotencyKey(), hash).flatMap(replayed -> replayed != null
                    ? Uni.createFrom().item(replayed)
                    // Both checks at once (two pool connections): is there a live one, are the plain names taken.
                    : Uni.combine().all().unis(databases.findLive(instance, app, environment),
                            databases.nameTaken(instance, DatabaseNames.of(app, environment).database(),
                                    DatabaseNames.of(app, environment).role())).asTuple().flatMap(checks -> {
                        var existing = checks.getItem1();
                        if (existing.isPresent()) {
                            throw new ProblemException(ProblemType.CONFLICT, "app " + app + " already has a database in "
                                    + environment + " on this instance (" + existing.get().id() + ")");
                        }
                        boolean usePool = config.databases().useWarmPool() && !Boolean.FALSE.equals(cmd.warmPool());
                        return reserveAndProvision(instance, app, environment, cmd.connectionLimit(), sslmode,
                                pooled, usePool, cmd.idempotencyKey(), hash, checks.getItem2());
                    }));
        });
    }

    /**
     * Whether apps go through PgBouncer: only on the default instance, and only where a pooler is configured; the
     * request decides, else the install's default.
     */
    private boolean pooled(UUID instance, Boolean requested) {
        boolean available = config.pooler().port().isPresent() && DefaultInstance.ID.equals(instance);
        if (Boolean.TRUE.equals(requested) && !available) {
            throw new ProblemException(ProblemType.INSTANCE_REJECTED, config.pooler().port().isEmpty()
                    ? "pooled: this Berth has no PgBouncer (a host install sets one up; berth.registry.pooler.port)"
                    : "pooled: PgBouncer serves only the default instance; leave pooled out for this instance");
        }
        return requested == null ? available && config.pooler().defaultForNew() : requested && available;
    }

    private Uni<WithLogin> reserveAndProvision(UUID instance, String app, String environment, Integer limit,
            String sslmode, boolean pooled, boolean usePool, String key, String hash, boolean plainTaken) {
        UUID id = UUID.randomUUID();
        DatabaseNames.Names plain = DatabaseNames.of(app, environment);
        return Uni.createFrom().item(plainTaken ? DatabaseNames.withSuffix(plain) : plain)
                // The reservation needs no fsync of its own: lost only if PostgreSQL itself crashes, and then the
                // reconciler reports whatever the provisioner made for it.
                // The statements of this transaction are pipelined: one round trip.
                .flatMap(names -> pool.withTransaction(tx -> Uni.combine().all().unis(
                                tx.query("SET LOCAL synchronous_commit = off").execute(),
                                databases.insertPending(tx, new AppDatabase(id, instance,
                                        null, null, 0, app, environment, names.database(), names.role(), null,
                                        Status.PENDING, limit, sslmode, null, null, null, null, false, pooled)),
                                key == null ? Uni.createFrom().voidItem()
                                        : tx.preparedQuery("INSERT INTO idempotency_keys (key, request_hash, database_id) "
                                                + "VALUES ($1, $2, $3)").execute(Tuple.of(key, hash, id))).discardItems())
                        .onFailure(PgException.class).transform(e -> new ProblemException(ProblemType.CONFLICT,
                                "app " + app + " in " + environment + " is being created by another request"))
                        .invoke(() -> inFlight.add(id))
                        .call(() -> faults.reach("create.reserved"))
                        .flatMap(v -> provision(id, instance, names, limit, usePool)
                                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 409)
                                .recoverWithUni(e -> {
                                    // Taken on the server though not in the catalog: once more under a suffixed name.
                                    DatabaseNames.Names other = DatabaseNames.withSuffix(plain);
                                    return databases.rename(id, other.database(), other.role())
                                            .chain(() -> provision(id, instance, other, limit, usePool));
                                }))
                        .onTermination().invoke(() -> inFlight.remove(id))
                        .onFailure().call(e -> key != null && inDoubt(e) ? keptForRetry(id)
                                : databases.delete(pool, id)))
                .call(() -> faults.reach("create.provisioned"))
                .flatMap(login -> ready(id, instance, app, login))
                .call(() -> faults.reach("create.ready"));
    }

    /** Status, event and the row as the API shows it: one pipelined round trip (the read sees the update). */
    private Uni<WithLogin> ready(UUID id, UUID instance, String app, ProvisionedLogin login) {
        return pool.withTransaction(tx -> Uni.combine().all().unis(
                        databases.setStatus(tx, id, Status.READY, login.username()),
                        outbox.append(tx, EventEnvelope.of(SOURCE, new DatabaseProvisioned(id.toString(),
                                instance.toString(), app, login.databaseName(), login.ownerRole()))),
                        databases.find(tx, id)).asTuple())
                .map(done -> new WithLogin(done.getItem3().orElseThrow(), login));
    }

    /**
     * The provisioner could not be reached or stopped answering: it may have made the database or not. Deleting the
     * reservation could leave a database no catalog row knows; with an Idempotency-Key the caller's retry finishes
     * it instead ({@link #resume}), under the same id and names.
     */
    private static boolean inDoubt(Throwable e) {
        return e instanceof ProblemException p && p.problem().is(ProblemType.DEPENDENCY_UNAVAILABLE);
    }

    private Uni<Void> keptForRetry(UUID id) {
        LOG.warnf("the provisioner did not answer the create of database %s: it stays pending until a retry with "
                + "the same Idempotency-Key finishes it", id);
        return Uni.createFrom().voidItem();
    }

    /**
     * Finishes a keyed create whose provisioner call was cut off: the provisioner's create is idempotent by database
     * id (it answers the login it made, or makes it), so the retry asks again with the same names.
     */
    private Uni<WithLogin> resume(AppDatabase db) {
        if (!inFlight.add(db.id())) {
            throw new ProblemException(ProblemType.CONFLICT, "database " + db.id() + " is still being created");
        }
        return provision(db.id(), db.instanceId(), new DatabaseNames.Names(db.databaseName(), db.roleName()),
                        db.connectionLimit(), false)
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 409)
                .transform(e -> new ProblemException(ProblemType.CONFLICT, "database " + db.id()
                        + " is still being created (the provisioner is cleaning up after a restart); retry shortly"))
                .flatMap(login -> ready(db.id(), db.instanceId(), db.app(), login))
                .onTermination().invoke(() -> inFlight.remove(db.id()));
    }

    private Uni<ProvisionedLogin> provision(UUID id, UUID instance, DatabaseNames.Names names, Integer limit, boolean usePool) {
        return guarded(provisioner.create(new ProvisionRequest(id, instance, names.database(),
                names.role(), limit, usePool)));
    }

    /** A retried create with the same Idempotency-Key gets the first one's result (credentials re-read). */
    private Uni<WithLogin> replay(String key, String hash) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        if (key.isBlank() || key.length() > 200) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Idempotency-Key must be 1 to 200 characters");
        }
        return pool.preparedQuery("SELECT request_hash, database_id FROM idempotency_keys WHERE key = $1")
                .execute(Tuple.of(key)).flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    var row = rows.iterator().next();
                    if (!hash.equals(row.getString("request_hash"))) {
                        throw new ProblemException(ProblemType.IDEMPOTENCY_MISMATCH,
                                "this Idempotency-Key was already used for a different request");
                    }
                    UUID id = row.getUUID("database_id");
                    return databases.find(id).flatMap(found -> found.isPresent()
                            && found.get().status() == Status.PENDING && !inFlight.contains(id)
                            ? resume(found.get()) : withLogin(id));
                });
    }

    public Uni<AppDatabase> get(UUID id) {
        return databases.find(id).map(found -> found.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "no database " + id)));
    }

    public Uni<WithLogin> withLogin(UUID id) {
        return get(id).flatMap(db -> {
            if (db.status() == Status.PENDING) {
                throw new ProblemException(ProblemType.CONFLICT, "database " + id + " is still being created");
            }
            return guarded(provisioner.credentials(id)).map(login -> new WithLogin(db, login));
        });
    }

    /**
     * Switches PgBouncer on or off for an existing database: only its connection strings change (every database of
     * the default instance can be reached both ways). Answers the database with its login, for the hand-over to the
     * apps bound to it; {@code changed} is false when it already was as asked.
     */
    public Uni<Switched> setPooled(UUID id, boolean pooled) {
        return get(id).flatMap(db -> {
            if (db.status() != Status.READY && db.status() != Status.DETACHED) {
                throw new ProblemException(ProblemType.CONFLICT, "database " + id + " is " + db.status().db()
                        + "; pooling can be switched once it is ready");
            }
            if (pooled) {
                pooled(db.instanceId(), true); // 422 with the reason where there is no PgBouncer for it
            }
            if (db.pooled() == pooled) {
                return Uni.createFrom().item(new Switched(db, null, false));
            }
            return databases.setPooled(id, pooled)
                    .flatMap(v -> withLogin(id))
                    .map(found -> new Switched(found.database(), found.login(), true));
        });
    }

    /** A database after {@link #setPooled}; {@code login} only when it changed. */
    public record Switched(AppDatabase database, ProvisionedLogin login, boolean changed) {
    }

    public Uni<WithLogin> rotate(UUID id, String mode, Boolean terminateSessions, Long graceSeconds) {
        return get(id).flatMap(db -> {
            if (db.status() != Status.READY && db.status() != Status.DETACHED) {
                throw new ProblemException(ProblemType.CONFLICT, "database " + id + " is " + db.status().db());
            }
            return guarded(provisioner.rotate(id, new ProvisionerClient.RotateRequest(mode, terminateSessions,
                            graceSeconds)))
                    .call(login -> pool.withTransaction(tx -> databases.setStatus(tx, id, db.status(), login.username())
                            .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, new CredentialsRotated(id.toString(),
                                    mode == null ? "immediate" : mode, login.username(), login.retiringRole()))))))
                    .flatMap(login -> get(id).map(updated -> new WithLogin(updated, login)));
        });
    }


    /**
     * {@code delete} drops at once; {@code keep} detaches; {@code backup-then-delete} starts the saga: the database
     * waits in {@code deleting} while the backup service takes a pre-delete backup (asked for through the outbox,
     * so it survives any restart), and {@link #finishDeletions()} drops it once that backup completed.
     */
    public Uni<Void> delete(UUID id, String policy) {
        if (!DeletionPolicy.DELETE.is(policy) && !DeletionPolicy.KEEP.is(policy) && !DeletionPolicy.BACKUP_THEN_DELETE.is(policy)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "policy must be delete, keep or backup-then-delete, not '" + policy + "'");
        }
        return get(id).flatMap(db -> {
            if (DeletionPolicy.KEEP.is(policy)) {
                return pool.withTransaction(tx -> databases.setStatus(tx, id, Status.DETACHED, null)
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, dropped(db, policy)))));
            }
            if (DeletionPolicy.BACKUP_THEN_DELETE.is(policy)) {
                return pool.withTransaction(tx -> tx.preparedQuery("UPDATE app_databases SET status = 'deleting', "
                                + "deletion_phase = 'awaiting-backup', deletion_error = NULL, updated_at = now() "
                                + "WHERE id = $1").execute(Tuple.of(id))
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, new DatabaseDeletionRequested(
                                id.toString(), db.instanceId().toString(), db.databaseName(), policy))))
                        .replaceWithVoid());
            }
            return drop(db, policy);
        });
    }

    private Uni<Void> drop(AppDatabase db, String policy) {
        return pool.withTransaction(tx -> databases.setStatus(tx, db.id(), Status.DELETING, null))
                .chain(() -> guarded(provisioner.drop(db.id())))
                .call(() -> secrets.removeQuietly(db.id()))
                .chain(() -> pool.withTransaction(tx -> databases.delete(tx, db.id())
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, dropped(db, policy))))))
                .call(() -> retireInstanceOf(db))
                .replaceWithVoid();
    }

    /**
     * A dedicated instance made for an app goes with the app's last database once the app is removed (the database's
     * policy said delete, and a backup-then-delete has its backup by now); one still in use, or made by hand, stays.
     */
    private Uni<Void> retireInstanceOf(AppDatabase db) {
        if (!db.dedicated()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT 1 FROM instances i WHERE i.id = $1 AND i.made_for_app IS NOT NULL "
                        + "AND EXISTS (SELECT 1 FROM apps a WHERE a.id = i.made_for_app AND a.removed_at IS NOT NULL) "
                        + "AND NOT EXISTS (SELECT 1 FROM app_databases d WHERE d.instance_id = i.id)")
                .execute(Tuple.of(db.instanceId()))
                .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().voidItem()
                        : dedicatedInstances.remove(db.instanceId(), false, true)
                                .invoke(() -> LOG.infof("removed instance %s with the last database of its app",
                                        db.instanceName()))
                                .onFailure().invoke(e -> LOG.warnf("the instance %s of removed app %s stays: %s",
                                        db.instanceName(), db.app(), e.getMessage()))
                                .onFailure().recoverWithNull());
    }

    private static DatabaseDropped dropped(AppDatabase db, String policy) {
        return new DatabaseDropped(db.id().toString(), db.instanceId().toString(), db.databaseName(), policy);
    }

    /** Drops every database whose pre-delete backup has completed; retried on a schedule until it succeeds. */
    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> finishDeletions() {
        return pool.query("SELECT id FROM app_databases WHERE deletion_phase = 'backup-done'").execute()
                .onItem().transformToMulti(rows -> io.smallrye.mutiny.Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> get(row.getUUID(0))
                        .flatMap(db -> drop(db, DeletionPolicy.BACKUP_THEN_DELETE.word()))
                        .onFailure().invoke(e -> LOG.warnf("dropping database %s after its pre-delete backup failed "
                                + "for now (will retry): %s", row.getUUID(0), e.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    static String hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
