package dev.berth.provisioner.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.provisioner.instances.EngineDatabases;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.contracts.provisioning.AdminConnection;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.PostgresDdl;
import dev.berth.provisioner.vault.CredentialVault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the backup service needs from the instances, kept here so every piece of DDL still goes through
 * {@link PostgresDdl}: admin connection details handed out per run (never stored by the caller), recreating a
 * database for an in-place restore, scratch databases for restore verification, and the backup encryption key.
 */
@ApplicationScoped
public class DatabaseMaintenance {

    static final String SCRATCH_PREFIX = "berth_scratch_";
    private static final Pattern SCRATCH_NAME = Pattern.compile(SCRATCH_PREFIX + "[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();


    @Inject
    dev.berth.provisioner.pooler.PoolerGrants poolerGrants;

    @Inject
    InstanceConnections instances;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    CredentialVault vault;

    @Inject
    EngineDatabases engineDatabases;

    /** Admin access to an app database (404 when unknown, 503 when its instance cannot be reached). */
    public Uni<AdminConnection> forDatabase(UUID databaseId) {
        return provisioner.requireLogin(databaseId).flatMap(login -> forInstance(login.instanceId(),
                login.databaseName(), login.ownerRole()));
    }

    /** Admin access to an instance's maintenance database, for instance-wide tools such as pg_dumpall. */
    public Uni<AdminConnection> forInstance(UUID instanceId) {
        return forInstance(instanceId, "postgres", null);
    }

    private Uni<AdminConnection> forInstance(UUID instanceId, String database, String owner) {
        return instances.engineOf(instanceId).flatMap(engine -> !DatabaseProvisioner.POSTGRESQL.equals(engine)
                ? instances.endpointOf(instanceId).flatMap(e -> instances.adminPassword(instanceId).map(password ->
                        new AdminConnection(instanceId, e.host(), e.port(), e.adminUser(), password, e.sslmode(),
                                database, owner, 0, engine)))
                : instances.admin(instanceId).flatMap(admin -> instances.adminPassword(instanceId).map(password ->
                        new AdminConnection(instanceId, admin.endpoint().host(), admin.endpoint().port(),
                                admin.endpoint().adminUser(), password, admin.endpoint().sslmode(), database, owner,
                                admin.serverVersion()))));
    }

    /**
     * Terminates the sessions, drops the database and creates it again, empty, with the same owner and grants (the
     * roles and their passwords are untouched): the first half of an in-place restore. Safe to repeat.
     */
    public Uni<AdminConnection> recreate(UUID databaseId) {
        return provisioner.requireLogin(databaseId).flatMap(login -> instances.engineOf(login.instanceId())
                .flatMap(engine -> DatabaseProvisioner.POSTGRESQL.equals(engine) ? recreateOnPostgres(login)
                        : engineDatabases.empty(login.instanceId(), Engine.of(engine), login.databaseName())))
                .chain(() -> forDatabase(databaseId));
    }

    private Uni<Void> recreateOnPostgres(LoginRecord login) {
        return instances.admin(login.instanceId()).flatMap(admin -> {
                    Pool sql = admin.pool();
                    return sql.query(PostgresDdl.dropDatabase(login.databaseName())).execute()
                            .chain(() -> sql.query(PostgresDdl.createDatabase(login.databaseName(), login.ownerRole()))
                                    .execute())
                            .chain(() -> sql.query(PostgresDdl.revokePublic(login.databaseName()) + "; "
                                    + PostgresDdl.grantConnect(login.databaseName(), login.ownerRole())
                                    + poolerGrants.forDatabase(login.instanceId(), login.databaseName())).execute())
                            .onFailure().transform(e -> SqlStates.translate(e, "recreating database "
                                    + login.databaseName()));
                }).replaceWithVoid();
    }

    /** An empty database owned by the admin, that no app can reach, for a throw-away restore. */
    public Uni<AdminConnection> createScratch(UUID instanceId) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String name = SCRATCH_PREFIX + HexFormat.of().formatHex(random);
        return instances.engineOf(instanceId).flatMap(engine -> !DatabaseProvisioner.POSTGRESQL.equals(engine)
                        ? engineDatabases.createScratch(instanceId, Engine.of(engine), name)
                        : instances.admin(instanceId).flatMap(admin -> admin.pool()
                                .query(PostgresDdl.createPoolDatabase(name)).execute()
                                .chain(() -> admin.pool().query(PostgresDdl.revokePublic(name)).execute())
                                .onFailure().transform(e -> SqlStates.translate(e, "creating a scratch database")))
                                .replaceWithVoid())
                .chain(() -> forInstance(instanceId, name, null));
    }

    /** Drops a scratch database; refuses any name that is not one (so this can never drop an app database). */
    public Uni<Void> dropScratch(UUID instanceId, String name) {
        if (name == null || !SCRATCH_NAME.matcher(name).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'" + name + "' is not a scratch database name");
        }
        return instances.engineOf(instanceId).flatMap(engine -> !DatabaseProvisioner.POSTGRESQL.equals(engine)
                ? engineDatabases.dropScratch(instanceId, Engine.of(engine), name)
                : instances.admin(instanceId).flatMap(admin -> admin.pool().query(PostgresDdl.dropDatabase(name))
                        .execute().onFailure().transform(e -> SqlStates.translate(e, "dropping scratch database "
                                + name)))
                        .replaceWithVoid());
    }

    /**
     * The key backups are encrypted with at rest (256 bits, base64), made once and sealed in the vault like every
     * other secret; a concurrent first call cannot replace a key already in use.
     */
    public Uni<String> backupKey() {
        return vault.read("service", "backup", "encryption").flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            return vault.storeIfAbsent("service", "backup", "encryption", Base64.getEncoder().encodeToString(key))
                    .chain(() -> vault.read("service", "backup", "encryption"))
                    .map(stored -> stored.orElseThrow());
        });
    }
}
