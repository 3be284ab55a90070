package dev.berth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TestInfrastructureIT {

    private final TestInfrastructure infra = TestInfrastructure.get();

    @Test
    void postgresAcceptsScramPasswordLoginsOverTcpOnly() {
        PostgresCluster pg = infra.postgres();
        pg.ensureDatabase("harness_check", PostgresCluster.ADMIN_USER);

        var good = Commands.tryRun(List.of("psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p",
                String.valueOf(pg.port()), "-U", "postgres", "-d", "harness_check", "-c", "SHOW password_encryption"),
                Map.of("PGPASSWORD", pg.adminPassword()), null, 30, null);
        assertEquals(0, good.exitCode(), good.output());
        assertEquals("scram-sha-256", good.output().strip());

        var listen = pg.sql("postgres", "SHOW listen_addresses");
        assertEquals("127.0.0.1", listen);
    }

    @Test
    void wrongPasswordIsRejected() {
        PostgresCluster pg = infra.postgres();
        var result = Commands.tryRun(List.of("psql", "-X", "-w", "-h", "127.0.0.1", "-p", String.valueOf(pg.port()),
                "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"), Map.of("PGPASSWORD", "not-the-password"),
                null, 30, null);
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("password authentication failed"), result.output());
    }

    @Test
    void topicsExistUpFrontAndCarryRecords() throws Exception {
        String bootstrap = infra.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            assertTrue(admin.listTopics().names().get().containsAll(Topics.ALL));
        }
        String key = UUID.randomUUID().toString();
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.BACKUPS, key, "hello")).get();
        }
        try (var consumer = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "harness-" + key, "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.BACKUPS));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        assertEquals("hello", record.value());
                        return;
                    }
                }
            }
        }
        throw new AssertionError("the record never arrived");
    }
}
