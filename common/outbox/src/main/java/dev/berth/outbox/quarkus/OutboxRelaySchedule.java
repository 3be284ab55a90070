package dev.berth.outbox.quarkus;

import dev.berth.outbox.OutboxRelay;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Drains the outbox every {@code berth.outbox.interval} (1s; Quarkus' simple scheduler allows no less). Runs never overlap, so events leave in commit order; a
 * failed run (Kafka down) is logged by the relay and retried at the next tick.
 */
@ApplicationScoped
public class OutboxRelaySchedule {

    private static final Logger LOG = Logger.getLogger(OutboxRelaySchedule.class);

    @Inject
    OutboxRelay relay;

    @Scheduled(identity = "berth-outbox-relay", every = "${berth.outbox.interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> relayPending() {
        return relay.drain().onFailure().invoke(e -> LOG.warnf("outbox relay: %s (next tick retries)", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
