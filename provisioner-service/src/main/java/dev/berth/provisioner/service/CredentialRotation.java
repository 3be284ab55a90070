package dev.berth.provisioner.service;

import static dev.berth.provisioner.service.DatabaseProvisioner.offloaded;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.provisioner.instances.EngineDatabases;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.PostgresDdl;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Password rotation. {@code immediate}: the login's password changes now (optionally ending its sessions).
 * {@code zero-downtime}: a new login role {@code <owner>_r<generation>} joins the owner role and acts as it
 * ({@code ALTER ROLE … SET role}), so both old and new credentials work and whatever either creates is owned by the
 * owner; after the grace period the old login is retired (the owner itself just loses LOGIN).
 */
@ApplicationScoped
public class CredentialRotation {

    public enum Mode { IMMEDIATE, ZERO_DOWNTIME }

    private static final Logger LOG = Logger.getLogger(CredentialRotation.class);

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    dev.berth.provisioner.vault.CredentialVault vault;

    @Inject
    EngineDatabases engineDatabases;

    public Uni<ProvisionedLogin> rotate(UUID databaseId, Mode mode, boolean terminateSessions, Duration grace) {
        return provisioner.requireLogin(databaseId).flatMap(login -> instances.engineOf(login.instanceId())
                .flatMap(engine -> {
                    if (!DatabaseProvisioner.POSTGRESQL.equals(engine)) {
                        // MariaDB, MySQL and Redis rotate in place: one user per database, no grace period.
                        return engineDatabases.rotate(login.instanceId(), Engine.of(engine), databaseId,
                                        login.databaseName(), login.loginRole())
                                .map(password -> new ProvisionedLogin(login.databaseId(), login.databaseName(),
                                        login.ownerRole(), login.loginRole(), password, null, null, false));
                    }
                    return mode == Mode.IMMEDIATE ? immediate(login, terminateSessions) : zeroDowntime(login, grace);
                }));
    }

    private Uni<ProvisionedLogin> immediate(LoginRecord login, boolean terminateSessions) {
        String password = Passwords.generate();
        return instances.admin(login.instanceId()).flatMap(admin -> offloaded(
                        () -> PostgresDdl.setPassword(login.loginRole(), password))
                .chain(ddl -> admin.pool().query(ddl).execute())
                .chain(() -> terminateSessions ? terminate(admin.pool(), login.loginRole(), login.databaseName())
                        : Uni.createFrom().voidItem())
                .chain(() -> catalog.withTransaction(tx -> vault.store(tx, "database", login.databaseId().toString(),
                        DatabaseProvisioner.LOGIN, password)))
                .onFailure().transform(e -> SqlStates.translate(e, "rotating the password of " + login.loginRole()))
                .map(v -> new ProvisionedLogin(login.databaseId(), login.databaseName(), login.ownerRole(),
                        login.loginRole(), password, login.retiringRole(), login.retireAfter(), false)));
    }

    private Uni<ProvisionedLogin> zeroDowntime(LoginRecord login, Duration grace) {
        if (login.retiringRole() != null) {
            throw new ProblemException(ProblemType.CONFLICT, "the previous rotation's login " + login.retiringRole()
                    + " is still in its grace period (until " + login.retireAfter() + "); rotate again after that, or "
                    + "use mode immediate");
        }
        int generation = login.generation() + 1;
        String next = login.ownerRole() + "_r" + generation;
        String password = Passwords.generate();
        OffsetDateTime retireAfter = OffsetDateTime.now(ZoneOffset.UTC).plus(grace);
        return instances.admin(login.instanceId()).flatMap(admin -> offloaded(() -> PostgresDdl.createLoginInRole(
                        next, login.ownerRole(), password, login.connectionLimit()))
                .chain(ddl -> admin.pool().query(ddl + "; " + PostgresDdl.actAsOwner(next, login.ownerRole())).execute())
                .chain(() -> catalog.withTransaction(tx -> tx.preparedQuery("UPDATE database_logins SET login_role = $2, "
                                + "retiring_role = $3, retire_after = $4, generation = $5 WHERE database_id = $1")
                        .execute(Tuple.of(login.databaseId(), next, login.loginRole(), retireAfter, generation))
                        .call(() -> vault.store(tx, "database", login.databaseId().toString(), DatabaseProvisioner.LOGIN,
                                password)))
                        .onFailure().call(() -> admin.pool().query(PostgresDdl.dropRole(next)).execute()
                                .onFailure().invoke(e -> LOG.warnf("could not drop role %s of the failed rotation "
                                        + "(the reconciler lists it): %s", next, e.getMessage()))
                                .onFailure().recoverWithNull()))
                .onFailure().transform(e -> SqlStates.translate(e, "creating the new login " + next))
                .map(v -> new ProvisionedLogin(login.databaseId(), login.databaseName(), login.ownerRole(), next,
                        password, login.loginRole(), retireAfter, false)));
    }

    @Scheduled(every = "${berth.provisioner.rotation.retire-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> retireDue() {
        return catalog.query("SELECT " + LoginRecord.COLUMNS + " FROM database_logins "
                        + "WHERE retiring_role IS NOT NULL AND retire_after <= now()").execute()
                .flatMap(rows -> {
                    List<LoginRecord> due = new ArrayList<>();
                    rows.forEach(r -> due.add(LoginRecord.of(r)));
                    return Multi.createFrom().iterable(due)
                            .onItem().transformToUniAndConcatenate(login -> retire(login)
                                    .onFailure().invoke(e -> LOG.warnf("cannot retire login %s yet: %s",
                                            login.retiringRole(), e.getMessage()))
                                    .onFailure().recoverWithNull())
                            .collect().last().replaceWithVoid();
                });
    }

    /**
     * Quarantines ({@code allowed=false}: no new sessions, current ones end) or releases a database's current login;
     * the password is kept, so a released app connects again with what it had.
     */
    public Uni<Void> allowLogin(UUID databaseId, boolean allowed) {
        return provisioner.requireLogin(databaseId).flatMap(login -> instances.admin(login.instanceId())
                .flatMap(admin -> admin.pool().query(PostgresDdl.allowLogin(login.loginRole(), allowed)).execute()
                        .chain(() -> allowed ? Uni.createFrom().voidItem()
                                : terminate(admin.pool(), login.loginRole(), login.databaseName()))
                        .onFailure().transform(e -> SqlStates.translate(e, (allowed ? "releasing " : "quarantining ")
                                + login.loginRole()))
                        .invoke(() -> LOG.infof("login %s of %s %s", login.loginRole(), login.databaseName(),
                                allowed ? "allowed again" : "quarantined (NOLOGIN)"))
                        .replaceWithVoid()));
    }

    /** Ends the old login: its sessions end, and it either loses LOGIN (the owner) or is dropped. */
    Uni<Void> retire(LoginRecord login) {
        String old = login.retiringRole();
        return instances.admin(login.instanceId()).flatMap(admin -> admin.pool().query(PostgresDdl.disableLogin(old))
                .execute()
                .chain(() -> terminate(admin.pool(), old, login.databaseName()))
                .chain(() -> old.equals(login.ownerRole()) ? Uni.createFrom().voidItem()
                        : provisioner.inDatabase(login.instanceId(), login.databaseName(),
                                        PostgresDdl.reassignOwned(old, login.ownerRole()) + "; " + PostgresDdl.dropOwned(old))
                                .chain(() -> admin.pool().query(PostgresDdl.dropRole(old)).execute()).replaceWithVoid())
                .chain(() -> catalog.preparedQuery("UPDATE database_logins SET retiring_role = NULL, "
                        + "retire_after = NULL WHERE database_id = $1 AND retiring_role = $2")
                        .execute(Tuple.of(login.databaseId(), old)))
                .invoke(() -> LOG.infof("login %s of %s retired", old, login.databaseName()))
                .replaceWithVoid());
    }

    private static Uni<Void> terminate(Pool admin, String role, String database) {
        return admin.preparedQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE usename = $1 AND datname = $2 AND pid <> pg_backend_pid()")
                .execute(Tuple.of(role, database)).replaceWithVoid();
    }
}
