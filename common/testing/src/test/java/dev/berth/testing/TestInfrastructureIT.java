package dev.berth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.events.Topics;
import dev.berth.embedded.Commands;
import dev.berth.embedded.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
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

        // It listens everywhere (app containers come through their network's gateway), but admits over TCP only
        // loopback and Berth's container subnets; a login from the host's own LAN address is refused.
        assertEquals("*", pg.sql("postgres", "SHOW listen_addresses"));
        assertEquals("127.0.0.1,172.30.0.0,172.31.240.0,::1", pg.sql("postgres",
                "SELECT string_agg(DISTINCT address, ',' ORDER BY address) FROM pg_hba_file_rules WHERE type = 'host'"));
        String lan = lanAddress();
        if (lan != null) {
            var outside = Commands.tryRun(List.of("psql", "-X", "-w", "-h", lan, "-p", String.valueOf(pg.port()), "-U",
                    "postgres", "-d", "postgres", "-c", "SELECT 1"), Map.of("PGPASSWORD", pg.adminPassword()), null,
                    30, null);
            assertNotEquals(0, outside.exitCode());
            assertTrue(outside.output().contains("no pg_hba.conf entry"), outside.output());
        }
    }

    /** The embedded run's old hole: every local OS user was superuser over the socket ({@code trust}). */
    @Test
    void anotherOsUserGetsNoLoginWithoutThePassword() throws IOException {
        PostgresCluster pg = infra.postgres();
        assertEquals("0", pg.sql("postgres", "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'"));
        String port = String.valueOf(pg.port());
        if (Commands.runningAsRoot()) {
            // An unprivileged user cannot even open the socket (its directory is 0700) ...
            var socket = Commands.tryRun(List.of("runuser", "-u", "nobody", "--", "psql", "-X", "-w", "-h",
                    pg.socketDir().toString(), "-p", port, "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"),
                    Map.of(), null, 30, null);
            assertNotEquals(0, socket.exitCode(), socket.output());
            assertTrue(socket.output().contains("Permission denied"), socket.output());
            // ... and over TCP needs the password.
            var tcp = Commands.tryRun(List.of("runuser", "-u", "nobody", "--", "psql", "-X", "-w", "-h", "127.0.0.1",
                    "-p", port, "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"), Map.of(), null, 30, null);
            assertNotEquals(0, tcp.exitCode(), tcp.output());
            assertTrue(tcp.output().contains("no password supplied"), tcp.output());
        }
        // Past the directory (root may open it), the name postgres is still only for the cluster's own OS user.
        var otherUser = Commands.tryRun(List.of("psql", "-X", "-w", "-h", pg.socketDir().toString(), "-p", port, "-U",
                "postgres", "-d", "postgres", "-c", "SELECT 1"), Map.of(), null, 30, null);
        if (!Commands.runningAsRoot()) {
            // Not root: the harness runs the cluster as this very user, which is the one peer identity allowed.
            assertEquals(0, otherUser.exitCode(), otherUser.output());
            return;
        }
        assertNotEquals(0, otherUser.exitCode(), otherUser.output());
        assertTrue(otherUser.output().contains("Peer authentication failed"), otherUser.output());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.socketDir())));
    }

    private static String lanAddress() {
        try {
            return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                    .filter(a -> !a.getHostAddress().startsWith("172.3"))
                    .map(java.net.InetAddress::getHostAddress).findFirst().orElse(null);
        } catch (java.net.SocketException e) {
            return null;
        }
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
