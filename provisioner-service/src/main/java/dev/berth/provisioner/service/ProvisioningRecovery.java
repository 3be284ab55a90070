package dev.berth.provisioner.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.instances.EngineDatabases;
import dev.berth.provisioner.engine.PostgresDdl;
import dev.berth.provisioner.service.DatabaseProvisioner.Phase;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * At start, compensates creates a crash interrupted (phase {@code REQUESTED}): their role and database are dropped
 * unless a completed create owns them, so a crash between CREATE ROLE and CREATE DATABASE leaves nothing behind.
 */
@ApplicationScoped
public class ProvisioningRecovery {

    private static final Logger LOG = Logger.getLogger(ProvisioningRecovery.class);

    @Inject
    Pool catalog;

    @Inject
    InstanceConnections instances;

    @Inject
    EngineDatabases engineDatabases;

    void onStart(@Observes StartupEvent start) {
        // Retried for a few minutes: until it has run, a retried create may find the leftovers (and answer 409).
        recover().onFailure().invoke(e -> LOG.warnf("recovery of interrupted creates failed (retrying): %s",
                        e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(10)
                .subscribe().with(count -> {
                    if (count > 0) {
                        LOG.infof("compensated %d interrupted create(s)", count);
                    }
                }, e -> LOG.errorf("recovery of interrupted creates gave up (runs again at next start): %s",
                        e.getMessage()));
    }

    public Uni<Integer> recover() {
        return catalog.preparedQuery("SELECT o.id, o.instance_id, o.target, o.role_name FROM provisioning_operations o "
                        + "WHERE o.kind = 'create' AND o.phase = $1 AND o.instance_id IS NOT NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM database_logins l WHERE l.database_id = o.database_id)")
                .execute(Tuple.of(Phase.REQUESTED.name()))
                .flatMap(rows -> {
                    List<Row> interrupted = new ArrayList<>();
                    rows.forEach(interrupted::add);
                    return Multi.createFrom().iterable(interrupted)
                            .onItem().transformToUniAndConcatenate(this::compensate)
                            .collect().asList().map(List::size);
                })
                .ifNoItem().after(Duration.ofMinutes(1)).fail();
    }

    private Uni<Void> compensate(Row op) {
        UUID instanceId = op.getUUID("instance_id");
        String database = op.getString("target");
        String role = op.getString("role_name");
        return instances.engineOf(instanceId).flatMap(engine -> !DatabaseProvisioner.POSTGRESQL.equals(engine)
                        ? engineDatabases.compensate(instanceId, Engine.of(engine), database, role)
                        : instances.admin(instanceId).flatMap(admin -> admin.pool().query(
                                        PostgresDdl.dropDatabase(database)).execute()
                                .chain(() -> admin.pool().query(PostgresDdl.dropRole(role)).execute())
                                .replaceWithVoid()))
                .chain(() -> DatabaseProvisioner.finish(catalog, op.getUUID("id"), Phase.ROLLED_BACK,
                        "interrupted by a restart; compensated at start"))
                .invoke(() -> LOG.infof("dropped %s and role %s left by an interrupted create", database, role));
    }
}
