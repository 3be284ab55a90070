package dev.berth.testing;

import dev.berth.contracts.events.Topics;
import dev.berth.embedded.Commands;
import dev.berth.embedded.FreePorts;
import dev.berth.embedded.KafkaBroker;
import dev.berth.embedded.PostgresCluster;
import dev.berth.embedded.ProcessWatchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The PostgreSQL cluster and Kafka broker of one test JVM: started on first use (both at once), topics created up
 * front, and torn down when the JVM exits — by a shutdown hook, and by a watchdog if the JVM is killed.
 */
public final class TestInfrastructure {

    private static TestInfrastructure instance;
    private static RuntimeException startFailure;

    private final Path base;
    private final PostgresCluster postgres;
    private final KafkaBroker kafka;

    private TestInfrastructure(Path base) {
        this.base = base;
        this.postgres = new PostgresCluster(base.resolve("pg"), FreePorts.next(), false);
        this.kafka = new KafkaBroker(base.resolve("kafka"), KafkaBroker.defaultLibs(), FreePorts.next(),
                FreePorts.next());
    }

    /** The running infrastructure of this JVM, started on the first call. */
    public static synchronized TestInfrastructure get() {
        if (startFailure != null) {
            throw new IllegalStateException("the test infrastructure failed to start earlier in this JVM",
                    startFailure);
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return instance;
    }

    public PostgresCluster postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** A scratch directory of this JVM's infrastructure (removed with it), e.g. for a vault key file. */
    public Path dir(String name) {
        return base.resolve(name);
    }

    /**
     * The provisioner settings that make this JVM's PostgreSQL its default instance (as the embedded run does),
     * with a vault key file of this JVM and the given warm pool size.
     */
    public java.util.Map<String, String> provisionerSettings(int poolSize) {
        return java.util.Map.of(
                "berth.provisioner.default-instance.host", postgres.host(),
                "berth.provisioner.default-instance.port", String.valueOf(postgres.port()),
                "berth.provisioner.default-instance.admin-user", PostgresCluster.ADMIN_USER,
                "berth.provisioner.default-instance.admin-password", postgres.adminPassword(),
                "berth.provisioner.vault.key-file", dir("vault").resolve("vault.key").toString(),
                "berth.provisioner.pool.size", String.valueOf(poolSize));
    }

    private static TestInfrastructure start() {
        Path base;
        try {
            // Under /tmp rather than target/: the postgres user must be able to reach it (a clone under /root is
            // not), and unix socket paths must stay under 108 bytes.
            base = Files.createTempDirectory("berth-it-");
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestInfrastructure infra = new TestInfrastructure(base);
        long started = System.nanoTime();
        CompletableFuture<Void> pg = CompletableFuture.runAsync(infra.postgres::start);
        try {
            infra.kafka.start(false);
            ProcessWatchdog.guard(infra.kafka.emergencyStopCommand() + "; " + infra.postgres.emergencyStopCommand()
                    + "; rm -rf " + ProcessWatchdog.quote(base.toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(infra::shutdown, "berth-test-infrastructure-stop"));
            pg.join();
            infra.kafka.createTopics(Topics.ALL, 3);
        } catch (RuntimeException e) {
            pg.exceptionally(x -> null).join();
            infra.shutdown();
            throw e;
        }
        System.out.printf("berth test infrastructure: PostgreSQL on %d, Kafka on %d, ready in %d ms%n",
                infra.postgres.port(), infra.kafka.port(), (System.nanoTime() - started) / 1_000_000);
        return infra;
    }

    private void shutdown() {
        try {
            kafka.stop();
        } finally {
            try {
                Commands.tryRun(java.util.List.of("sh", "-c", postgres.emergencyStopCommand()), null, 60, null);
            } finally {
                deleteTree(base);
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftovers under /tmp are harmless; the next run uses a fresh directory.
        }
    }
}
