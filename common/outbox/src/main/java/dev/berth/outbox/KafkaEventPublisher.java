package dev.berth.outbox;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes with an idempotent producer ({@code acks=all}), so a retry inside the producer never duplicates a
 * record. The relay still treats delivery as at-least-once; consumers dedupe by event id.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private final Producer<String, byte[]> producer;

    public KafkaEventPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /**
     * @param deliveryTimeout how long one record may wait for a broker that is down before the send fails and the
     *                        relay retries the batch later
     */
    public static KafkaEventPublisher connect(String bootstrapServers, String clientId, Duration deliveryTimeout) {
        return connect(bootstrapServers, clientId, deliveryTimeout, Map.of());
    }

    /**
     * @param security the client's security settings ({@code security.protocol}, {@code sasl.mechanism},
     *                 {@code sasl.jaas.config}: a host install's SASL/SCRAM login), the same the service's consumers use
     */
    public static KafkaEventPublisher connect(String bootstrapServers, String clientId, Duration deliveryTimeout,
            Map<String, String> security) {
        int timeout = (int) deliveryTimeout.toMillis();
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout));
        return new KafkaEventPublisher(new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * {@inheritDoc} The send runs on a worker thread: while the broker is unreachable, {@code send} blocks for up to
     * the delivery timeout waiting for metadata, which must never happen on an event-loop thread.
     */
    @Override
    public Uni<Void> publish(String topic, String key, byte[] value) {
        return Uni.createFrom().<Void>emitter(emitter -> {
            try {
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    if (error == null) {
                        emitter.complete(null);
                    } else {
                        emitter.fail(error);
                    }
                });
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** For callers outside Mutiny. */
    public CompletableFuture<Void> publishAsync(String topic, String key, byte[] value) {
        return publish(topic, key, value).subscribeAsCompletionStage();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
