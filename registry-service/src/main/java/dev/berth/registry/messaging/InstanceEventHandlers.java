package dev.berth.registry.messaging;

import dev.berth.contracts.events.InstanceCreated;
import dev.berth.contracts.events.InstanceHealthy;
import dev.berth.contracts.events.InstanceRemoved;
import dev.berth.contracts.events.InstanceStarted;
import dev.berth.contracts.events.InstanceStopped;
import dev.berth.contracts.events.InstanceUnhealthy;
import dev.berth.contracts.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Dedicated instances' status from the provisioner's {@code Instance*} events (once each, by event id). An instance
 * being created or removed through the API keeps that status: the API call itself finishes it.
 */
@ApplicationScoped
public class InstanceEventHandlers {

    /** Applies one instance event inside the consumer's transaction (see {@link RegistryEventHandlers#onEvent}). */
    Uni<Void> apply(SqlConnection tx, EventEnvelope event) {
        String status;
        String detail = null;
        if (event.data() instanceof InstanceCreated || event.data() instanceof InstanceHealthy) {
            status = "ready";
        } else if (event.data() instanceof InstanceStarted) {
            status = "starting";
        } else if (event.data() instanceof InstanceUnhealthy unhealthy) {
            status = "unhealthy";
            detail = unhealthy.reason();
        } else if (event.data() instanceof InstanceStopped stopped) {
            status = "stopped";
            detail = stopped.requested() ? null : "ended on its own" + (stopped.exitCode() == null ? ""
                    : " with exit code " + stopped.exitCode());
        } else if (event.data() instanceof InstanceRemoved removed) {
            status = "missing";
            detail = "its container was removed outside Berth" + (removed.volumeKept() ? "; the data volume is still "
                    + "there" : "");
        } else {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("UPDATE instances SET status = $2, status_detail = $3, updated_at = now() WHERE id = $1 "
                        + "AND dedicated AND status NOT IN ('creating', 'removing') AND updated_at <= $4")
                .execute(Tuple.of(UUID.fromString(event.data().aggregateId()), status, detail, event.time()))
                .replaceWithVoid();
    }
}
