package dev.berth.outbox.quarkus;

import dev.berth.outbox.Outbox;
import dev.berth.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Drains the outbox as soon as a transaction with new rows commits (it notifies {@link Outbox#CHANNEL}; this service
 * listens on a connection of its own) and every {@code berth.outbox.interval} (1s; Quarkus' simple scheduler allows no
 * less) for what a lost notification or a failed run left. Runs never overlap (the relay's single flight), so events
 * leave in commit order; a failed run (Kafka down) is logged and retried at the next tick.
 */
@ApplicationScoped
public class OutboxRelaySchedule {

    private static final Logger LOG = Logger.getLogger(OutboxRelaySchedule.class);

    @Inject
    OutboxRelay relay;

    @Inject
    Vertx vertx;

    @Inject
    Config config;

    private PgSubscriber subscriber;

    void listen(@Observes StartupEvent start) {
        subscriber = PgSubscriber.subscriber(vertx, ListenConnections.of(config)).reconnectPolicy(retries -> 1000L);
        subscriber.channel(Outbox.CHANNEL).handler(payload -> relayPending().subscribe().with(done -> { }));
        subscriber.connect().subscribe().with(ok -> LOG.debug("listening for outbox commits"),
                e -> LOG.warnf("cannot listen for outbox commits (%s); events leave on the %s tick", e.getMessage(),
                        config.getOptionalValue("berth.outbox.interval", String.class).orElse("1s")));
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    @Scheduled(identity = "berth-outbox-relay", every = "${berth.outbox.interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> relayPending() {
        return relay.drain().onFailure().invoke(e -> LOG.warnf("outbox relay: %s (next tick retries)", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
