package dev.berth.provisioner.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.contracts.provisioning.ProvisionRequest;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.outbox.quarkus.FaultPoints;
import dev.berth.provisioner.engine.InstanceConnections.Admin;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.PostgresDdl;
import dev.berth.provisioner.instances.EngineDatabases;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Creates and drops app databases on an instance. A create is a short saga — role, database (claimed from the warm
 * pool or created), grants, sealed password — recorded in {@code provisioning_operations} before it starts, so a
 * failure at any step (or a crash, see {@link ProvisioningRecovery}) drops exactly what this create made.
 */
@ApplicationScoped
public class DatabaseProvisioner {

    /** The persisted phases of a create. */
    public enum Phase { REQUESTED, COMPLETED, ROLLED_BACK }

    static final String LOGIN = "login";
    static final String POSTGRESQL = "postgresql";
    private static final Logger LOG = Logger.getLogger(DatabaseProvisioner.class);
    private static final int PUBLIC_SCHEMA_OWNED_BY_DB_OWNER = 150000;

    @Inject
    dev.berth.provisioner.pooler.PoolerGrants poolerGrants;

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    WarmPool warmPool;

    @Inject
    PreparedPasswords passwords;

    @Inject
    dev.berth.provisioner.vault.CredentialVault vault;

    @Inject
    EngineDatabases engineDatabases;

    @Inject
    FaultPoints faults;

    public Uni<ProvisionedLogin> create(ProvisionRequest cmd) {
        return findLogin(cmd.databaseId()).flatMap(existing -> existing.isPresent()
                ? credentials(existing.get(), false)
                : instances.engineOf(cmd.instanceId()).flatMap(engine -> POSTGRESQL.equals(engine)
                        ? instances.admin(cmd.instanceId()).flatMap(admin -> provision(cmd, admin))
                        : engineDatabases.create(cmd, Engine.of(engine))));
    }

    private Uni<ProvisionedLogin> provision(ProvisionRequest cmd, Admin admin) {
        UUID operation = UUID.randomUUID();
        AtomicReference<PreparedPasswords.Prepared> secret = new AtomicReference<>();
        AtomicBoolean roleMade = new AtomicBoolean();
        AtomicBoolean databaseMade = new AtomicBoolean();
        AtomicBoolean fromPool = new AtomicBoolean();
        Pool sql = admin.pool();
        // synchronous_commit=off: this row only has to survive a crash of the provisioner, not of PostgreSQL
        // itself (the WAL writer flushes it within ~200 ms), and it saves an fsync on every create.
        // Statements of one transaction are pipelined (sent together, answered in order): one round trip.
        return catalog.withTransaction(tx -> Uni.combine().all().unis(
                        tx.query("SET LOCAL synchronous_commit = off").execute(),
                        tx.preparedQuery("INSERT INTO provisioning_operations (id, kind, target, phase, "
                                        + "instance_id, database_id, role_name) VALUES ($1, 'create', $2, $3, $4, $5, $6)")
                                .execute(Tuple.from(Arrays.asList(operation, cmd.databaseName(), Phase.REQUESTED.name(),
                                        cmd.instanceId(), cmd.databaseId(), cmd.roleName())))).discardItems())
                .call(() -> faults.reach("create.recorded"))
                .chain(() -> passwords.nextAsync())
                .chain(prepared -> {
                    secret.set(prepared);
                    String createRole = PostgresDdl.createLoginRole(cmd.roleName(), prepared.verifier(),
                            cmd.connectionLimit())
                            + (admin.superuser() ? "" : "; " + PostgresDdl.joinRole(cmd.roleName()));
                    String ownerGrants = String.join("; ", PostgresDdl.changeOwner(cmd.databaseName(), cmd.roleName()),
                            PostgresDdl.revokePublic(cmd.databaseName()),
                            PostgresDdl.grantConnect(cmd.databaseName(), cmd.roleName()))
                            + poolerGrants.forDatabase(cmd.instanceId(), cmd.databaseName());
                    String roleOwnerGrants = createRole + "; " + ownerGrants;
                    // From the pool: role, rename, owner and grants in one implicit transaction (one commit, and
                    // all or nothing). Otherwise CREATE DATABASE (it cannot run inside a transaction block) and
                    // CREATE ROLE at once on two admin connections — they touch different catalogs, and the role
                    // (4–6 ms: a shared-catalog commit) then costs nothing on the way — followed by owner and grants.
                    Uni<Boolean> claimed = !cmd.poolAllowed() ? Uni.createFrom().item(false)
                            : warmPool.claim(cmd.instanceId(), sql, pooled -> String.join("; ",
                                    PostgresDdl.rename(pooled, cmd.databaseName()), roleOwnerGrants));
                    return claimed.chain(fromThePool -> {
                        fromPool.set(fromThePool);
                        if (fromThePool) {
                            roleMade.set(true);
                            databaseMade.set(true);
                            return Uni.createFrom().voidItem();
                        }
                        Uni<Void> database = sql.query(PostgresDdl.createDatabase(cmd.databaseName())).execute()
                                .invoke(() -> databaseMade.set(true)).replaceWithVoid();
                        Uni<Void> role = sql.query(createRole).execute().invoke(() -> roleMade.set(true))
                                .replaceWithVoid();
                        // collectFailures: both finish before a failure is reported, so the flags say exactly
                        // what exists for the compensation.
                        return Uni.combine().all().unis(database, role).collectFailures().discardItems()
                                .call(() -> faults.reach("create.role-and-database"))
                                .chain(() -> sql.query(ownerGrants).execute()).replaceWithVoid();
                    });
                })
                .chain(() -> admin.serverVersion() >= PUBLIC_SCHEMA_OWNED_BY_DB_OWNER ? Uni.createFrom().voidItem()
                        : inDatabase(cmd.instanceId(), cmd.databaseName(), PostgresDdl.ownPublicSchema(cmd.roleName())))
                .call(() -> faults.reach("create.granted"))
                .chain(() -> catalog.withTransaction(tx -> Uni.combine().all().unis(
                        tx.preparedQuery("INSERT INTO database_logins (database_id, instance_id, database_name, "
                                        + "owner_role, login_role, connection_limit) VALUES ($1, $2, $3, $4, $4, $5)")
                                .execute(Tuple.from(Arrays.asList(cmd.databaseId(), cmd.instanceId(),
                                        cmd.databaseName(), cmd.roleName(), cmd.connectionLimit()))),
                        vault.store(tx, "database", cmd.databaseId().toString(), LOGIN, secret.get().password()),
                        finish(tx, operation, Phase.COMPLETED, null)).discardItems()))
                .call(() -> faults.reach("create.catalogued"))
                .map(v -> new ProvisionedLogin(cmd.databaseId(), cmd.databaseName(), cmd.roleName(), cmd.roleName(),
                        secret.get().password(), null, null, fromPool.get()))
                .invoke(() -> {
                    if (fromPool.get()) {
                        warmPool.refill(cmd.instanceId()).subscribe().with(v -> { }, e -> { });
                    }
                })
                .onFailure().recoverWithUni(error -> {
                    // Role and database are made at once: when both fail (names left by a crash, say), the first
                    // failure says what happened (both are "already exists": 409).
                    Throwable cause = error instanceof CompositeException both ? both.getCauses().get(0) : error;
                    Throwable reported = SqlStates.translate(cause, "creating database " + cmd.databaseName());
                    String detail = reported.getMessage() == null ? reported.getClass().getSimpleName()
                            : reported.getMessage();
                    return compensate(cmd, sql, databaseMade.get(), roleMade.get())
                            .chain(() -> finish(catalog, operation, Phase.ROLLED_BACK, detail))
                            .onFailure().invoke(e -> LOG.errorf("compensating the create of %s failed: %s",
                                    cmd.databaseName(), e.getMessage()))
                            .onItemOrFailure().transformToUni((v, e) -> Uni.createFrom().failure(reported));
                });
    }

    /** Drops only what this create made, newest first. */
    Uni<Void> compensate(ProvisionRequest cmd, Pool sql, boolean database, boolean role) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (database) {
            chain = chain.call(() -> sql.query(PostgresDdl.dropDatabase(cmd.databaseName())).execute());
        }
        if (role) {
            chain = chain.call(() -> sql.query(PostgresDdl.dropRole(cmd.roleName())).execute());
        }
        return chain;
    }

    /** Terminates sessions, drops the database and every role of it, and forgets its password. Idempotent. */
    public Uni<Boolean> drop(UUID databaseId) {
        return findLogin(databaseId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            LoginRecord login = found.get();
            return instances.engineOf(login.instanceId()).flatMap(engine -> POSTGRESQL.equals(engine)
                            ? dropOnPostgres(login)
                            : engineDatabases.drop(login.instanceId(), Engine.of(engine), login.databaseName(),
                                    login.ownerRole()))
                    .chain(() -> catalog.withTransaction(tx -> tx.preparedQuery(
                                    "DELETE FROM database_logins WHERE database_id = $1").execute(Tuple.of(databaseId))
                            .call(() -> vault.forget(tx, "database", databaseId.toString()))))
                    .onFailure().transform(e -> SqlStates.translate(e, "dropping database " + login.databaseName()))
                    .replaceWith(true);
        });
    }

    private Uni<Void> dropOnPostgres(LoginRecord login) {
        return instances.admin(login.instanceId()).flatMap(admin -> {
            Pool sql = admin.pool();
            Uni<Void> chain = sql.query(PostgresDdl.dropDatabase(login.databaseName())).execute().replaceWithVoid();
            for (String role : rolesOf(login)) {
                chain = chain.call(() -> sql.query(PostgresDdl.dropRole(role)).execute());
            }
            return chain;
        });
    }

    /** The credentials that open the database now (for reveal, and for a retried create). */
    public Uni<ProvisionedLogin> credentials(UUID databaseId) {
        return requireLogin(databaseId).flatMap(login -> credentials(login, false));
    }

    Uni<ProvisionedLogin> credentials(LoginRecord login, boolean fromPool) {
        return vault.read("database", login.databaseId().toString(), LOGIN).map(password -> new ProvisionedLogin(
                login.databaseId(), login.databaseName(), login.ownerRole(), login.loginRole(),
                password.orElseThrow(() -> new ProblemException(ProblemType.INTERNAL, "the vault holds no password "
                        + "for database " + login.databaseId())),
                login.retiringRole(), login.retireAfter(), fromPool));
    }

    /** The database's login record; 404 when the provisioner does not know the database. */
    Uni<LoginRecord> requireLogin(UUID databaseId) {
        return findLogin(databaseId).map(found -> found.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "the provisioner does not know database " + databaseId)));
    }

    Uni<Optional<LoginRecord>> findLogin(UUID databaseId) {
        return catalog.preparedQuery("SELECT " + LoginRecord.COLUMNS + " FROM database_logins WHERE database_id = $1")
                .execute(Tuple.of(databaseId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(LoginRecord.of(rows.iterator().next())));
    }

    /** Runs one statement inside a database of the instance (some DDL only acts on the current database). */
    Uni<Void> inDatabase(UUID instanceId, String database, String statement) {
        return instances.connectTo(instanceId, database).flatMap(conn -> conn.query(statement).execute()
                .eventually(conn::close)).replaceWithVoid();
    }

    static java.util.List<String> rolesOf(LoginRecord login) {
        java.util.List<String> roles = new java.util.ArrayList<>();
        if (login.retiringRole() != null && !login.retiringRole().equals(login.ownerRole())) {
            roles.add(login.retiringRole());
        }
        if (!login.loginRole().equals(login.ownerRole())) {
            roles.add(login.loginRole());
        }
        roles.add(login.ownerRole());
        return roles;
    }

    public static Uni<Void> finish(io.vertx.mutiny.sqlclient.SqlClient sql, UUID operation, Phase phase, String error) {
        return sql.preparedQuery("UPDATE provisioning_operations SET phase = $2, finished_at = now(), error = $3 "
                        + "WHERE id = $1")
                .execute(Tuple.from(Arrays.asList(operation, phase.name(), error))).replaceWithVoid();
    }

    /** CPU-heavy work (the SCRAM verifier's PBKDF2 rounds) stays off the event loop. */
    static <T> Uni<T> offloaded(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
