package dev.berth.outbox.quarkus;

import dev.berth.contracts.events.EventCodec;
import dev.berth.outbox.EventConsumer;
import dev.berth.outbox.KafkaEventPublisher;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.OutboxRelay;
import dev.berth.outbox.ProcessedEvents;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the outbox pieces injectable in a Quarkus service. Settings: {@code berth.outbox.batch-size} (100),
 * {@code berth.outbox.delivery-timeout} (30s), {@code berth.outbox.interval} (1s, see
 * {@link OutboxRelaySchedule}). The producer logs in like the service's consumers: {@code kafka.security.protocol},
 * {@code kafka.sasl.mechanism} and {@code kafka.sasl.jaas.config} (a host install's SCRAM login).
 */
@ApplicationScoped
public class OutboxBeans {

    @Produces
    @Singleton
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Produces
    @Singleton
    Outbox outbox(EventCodec codec) {
        return new Outbox(codec);
    }

    @Produces
    @Singleton
    ProcessedEvents processedEvents(Pool pool) {
        return new ProcessedEvents(pool);
    }

    @Produces
    @Singleton
    EventConsumer eventConsumer(EventCodec codec, ProcessedEvents processed) {
        return new EventConsumer(codec, processed);
    }

    @Produces
    @Singleton
    KafkaEventPublisher publisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "berth.outbox.delivery-timeout", defaultValue = "30s") Duration deliveryTimeout,
            @ConfigProperty(name = "kafka.security.protocol") Optional<String> protocol,
            @ConfigProperty(name = "kafka.sasl.mechanism") Optional<String> mechanism,
            @ConfigProperty(name = "kafka.sasl.jaas.config") Optional<String> jaas) {
        Map<String, String> security = new HashMap<>();
        protocol.ifPresent(v -> security.put("security.protocol", v));
        if (protocol.filter(p -> p.startsWith("SASL")).isPresent()) {
            mechanism.ifPresent(v -> security.put("sasl.mechanism", v));
            jaas.ifPresent(v -> security.put("sasl.jaas.config", v));
        }
        return KafkaEventPublisher.connect(bootstrapServers, service + "-outbox", deliveryTimeout, security);
    }

    void closePublisher(@Disposes KafkaEventPublisher publisher) {
        publisher.close();
    }

    @Produces
    @Singleton
    OutboxRelay relay(Pool pool, KafkaEventPublisher publisher,
            @ConfigProperty(name = "berth.outbox.batch-size", defaultValue = "100") int batchSize) {
        return new OutboxRelay(pool, publisher, batchSize);
    }
}
