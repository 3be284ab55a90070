package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.contracts.provisioning.ProvisionRequest;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.service.DatabaseProvisioner;
import dev.berth.provisioner.service.DatabaseProvisioner.Phase;
import dev.berth.provisioner.service.Passwords;
import dev.berth.provisioner.vault.CredentialVault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * App databases on MariaDB, MySQL and Redis instances, through their {@link EngineDriver}: the same records as on
 * PostgreSQL (an operation row while it is made, {@code database_logins}, the password sealed in the vault), so
 * credentials, reveal and drop work the same way. No warm pool and no second login: rotation is in place.
 */
@ApplicationScoped
public class EngineDatabases {

    private static final Logger LOG = Logger.getLogger(EngineDatabases.class);
    private static final String LOGIN = "login";

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    EngineDrivers drivers;

    @Inject
    CredentialVault vault;

    public Uni<ProvisionedLogin> create(ProvisionRequest cmd, Engine engine) {
        UUID operation = UUID.randomUUID();
        String password = Passwords.generate();
        EngineDriver.AppLogin login = new EngineDriver.AppLogin(cmd.databaseName(), cmd.roleName(), password,
                cmd.connectionLimit());
        return catalog.preparedQuery("INSERT INTO provisioning_operations (id, kind, target, phase, instance_id, "
                        + "database_id, role_name) VALUES ($1, 'create', $2, 'REQUESTED', $3, $4, $5)")
                .execute(Tuple.from(Arrays.asList(operation, cmd.databaseName(), cmd.instanceId(), cmd.databaseId(),
                        cmd.roleName())))
                .chain(() -> asAdmin(cmd.instanceId(), engine, password, (endpoint, admin) ->
                        drivers.of(engine).createDatabase(endpoint, admin, login)))
                .chain(() -> catalog.withTransaction(tx -> tx.preparedQuery("INSERT INTO database_logins (database_id, "
                                + "instance_id, database_name, owner_role, login_role, connection_limit) VALUES ($1, $2, $3, "
                                + "$4, $4, $5)")
                        .execute(Tuple.from(Arrays.asList(cmd.databaseId(), cmd.instanceId(), cmd.databaseName(),
                                cmd.roleName(), cmd.connectionLimit())))
                        .call(() -> vault.store(tx, "database", cmd.databaseId().toString(), LOGIN, password))
                        .call(() -> DatabaseProvisioner.finish(tx, operation, Phase.COMPLETED, null))))
                .map(v -> new ProvisionedLogin(cmd.databaseId(), cmd.databaseName(), cmd.roleName(), cmd.roleName(),
                        password, null, null, false))
                .onFailure().recoverWithUni(error -> {
                    Throwable reported = SqlStates.translate(error, "creating " + engine.wire() + " database "
                            + cmd.databaseName());
                    return DatabaseProvisioner.finish(catalog, operation, Phase.ROLLED_BACK, reported.getMessage())
                            .onItemOrFailure().transformToUni((v, e) -> Uni.createFrom().failure(reported));
                });
    }

    /** Drops what an interrupted create may have left (the driver's drop does nothing for what is not there). */
    public Uni<Void> compensate(UUID instanceId, Engine engine, String database, String user) {
        return asAdmin(instanceId, engine, null, (endpoint, admin) -> drivers.of(engine).dropDatabase(endpoint, admin,
                database, user));
    }

    public Uni<Void> drop(UUID instanceId, Engine engine, String database, String user) {
        return compensate(instanceId, engine, database, user)
                .invoke(() -> LOG.infof("dropped %s database %s and its user", engine.wire(), database));
    }

    /** Drops and makes again, empty, the database (the user and its grants stay): before an in-place restore. */
    public Uni<Void> empty(UUID instanceId, Engine engine, String database) {
        return asAdmin(instanceId, engine, null, (endpoint, admin) -> drivers.of(engine)
                .dropDatabase(endpoint, admin, database, null)
                .chain(() -> drivers.of(engine).createEmpty(endpoint, admin, database)));
    }

    public Uni<Void> createScratch(UUID instanceId, Engine engine, String name) {
        return asAdmin(instanceId, engine, null, (endpoint, admin) -> drivers.of(engine).createEmpty(endpoint, admin,
                name));
    }

    public Uni<Void> dropScratch(UUID instanceId, Engine engine, String name) {
        return asAdmin(instanceId, engine, null, (endpoint, admin) -> drivers.of(engine).dropDatabase(endpoint, admin,
                name, null));
    }

    /** A new password for the login, set on the server, then sealed. */
    public Uni<String> rotate(UUID instanceId, Engine engine, UUID databaseId, String database, String user) {
        String password = Passwords.generate();
        return asAdmin(instanceId, engine, password, (endpoint, admin) -> drivers.of(engine).setPassword(endpoint, admin,
                        database, user, password))
                .chain(() -> catalog.withTransaction(tx -> vault.store(tx, "database", databaseId.toString(), LOGIN,
                        password)))
                .replaceWith(password);
    }

    public Uni<List<DatabaseFigures>> figures(UUID instanceId, Engine engine) {
        return asAdmin(instanceId, engine, null, (endpoint, admin) -> drivers.of(engine).databaseFigures(endpoint, admin));
    }

    /**
     * Runs {@code work} with the instance's admin endpoint and password; a failure says which instance, with
     * {@code secret} (the password being set, if any) cut out of the server's message should it quote the statement.
     */
    private <T> Uni<T> asAdmin(UUID instanceId, Engine engine, String secret,
            BiFunction<InstanceEndpoint, String, Uni<T>> work) {
        return instances.endpointOf(instanceId).flatMap(endpoint -> instances.adminPassword(instanceId)
                .flatMap(password -> work.apply(endpoint, password)))
                .onFailure(e -> !(e instanceof ProblemException))
                .transform(e -> new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "the " + engine.wire()
                        + " instance " + instanceId + " refused or failed: " + redacted(e.getMessage(), secret)));
    }

    static String redacted(String message, String secret) {
        if (message == null) {
            return "no reason given";
        }
        return secret == null || secret.isEmpty() ? message : message.replace(secret, "•••");
    }
}
