package dev.berth.testing;

import dev.berth.contracts.events.EventCodec;
import dev.berth.contracts.events.EventEnvelope;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Puts events on this JVM's Kafka broker the way another Berth service would, for consumer tests. */
public final class TestEvents {

    private static final EventCodec CODEC = new EventCodec();

    private TestEvents() {
    }

    public static void publish(EventEnvelope event) {
        publishRaw(event.topic(), event.data().aggregateId(), CODEC.encode(event));
    }

    /** Sends any bytes, e.g. a record that is not a Berth event. */
    public static void publishRaw(String topic, String key, byte[] value) {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of("bootstrap.servers", TestInfrastructure.get().kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }
}
