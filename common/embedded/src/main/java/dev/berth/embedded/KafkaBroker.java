package dev.berth.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A single-node KRaft Kafka broker in its own JVM, from the jars common/kafka-dist copies out of Maven Central.
 * Storage is formatted on first start and kept afterwards, so a restart on the same directory keeps topics and
 * offsets (the outbox test stops and restarts it).
 */
public final class KafkaBroker {

    private static final String STARTED = "Kafka Server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path base;
    private final Path libs;
    private final int port;
    private final int controllerPort;
    private Process process;

    public KafkaBroker(Path base, Path libs, int port, int controllerPort) {
        this.base = base.toAbsolutePath();
        this.libs = libs.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        if (!Files.isRegularFile(libs.resolve("kafka_2.13-" + brokerVersionFromLibs(libs) + ".jar"))) {
            throw new IllegalStateException("Kafka broker jars missing in " + libs + ": build common/kafka-dist first "
                    + "('./mvnw -pl common/kafka-dist package')");
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return base.resolve("kafka.log");
    }

    public Path pidFile() {
        return base.resolve("kafka.pid");
    }

    /**
     * Starts the broker and waits until it serves requests.
     *
     * @param detached true runs it in its own session so it outlives this JVM (the embedded run); false keeps it a
     *                 child of this JVM (tests)
     */
    public void start(boolean detached) {
        try {
            Files.createDirectories(base.resolve("data"));
            Path config = writeConfig();
            if (!Files.exists(base.resolve("data/meta.properties"))) {
                format(config);
            }
            long logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
            List<String> command = new ArrayList<>();
            if (detached) {
                // Its own session, and ahead of the services for the CPU: ./berth up starts them while the broker
                // starts, and they are only ready once it is (without root, nice warns and runs it as it is).
                command.addAll(List.of("setsid", "nice", "-n", "-5"));
            }
            command.addAll(List.of(javaBinary(), "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=" + base.resolve("log4j2.properties"),
                    "-cp", libs + File.separator + "*", "kafka.Kafka", config.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
            Files.writeString(pidFile(), process.pid() + "\n");
            awaitStarted(logOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + base, e);
        }
    }

    /** Stops the broker this object started, or the one whose pid file is in the directory. */
    public void stop() {
        ProcessHandle handle = process != null ? process.toHandle() : pidFromFile();
        if (handle != null && handle.isAlive()) {
            handle.destroy();
            try {
                handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
                handle.onExit().join();
            }
        }
        process = null;
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isRunning() {
        ProcessHandle handle = process != null ? process.toHandle() : pidFromFile();
        return handle != null && handle.isAlive();
    }

    /** Creates the topics that do not exist yet, so no test or service pays for auto-creation. */
    public void createTopics(Collection<String> topics, int partitions) {
        // A restart finds every partition of every topic on disk already: no admin client (a cold JVM's Kafka client
        // took 1-4 s of a warm ./berth up for that answer).
        if (topics.stream().allMatch(topic -> IntStream.range(0, partitions)
                .allMatch(partition -> Files.isDirectory(base.resolve("data").resolve(topic + "-" + partition))))) {
            return;
        }
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1)).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + topics + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** The shell command that kills this broker at once; used by the watchdog. */
    public String emergencyStopCommand() {
        String pid = ProcessWatchdog.quote(pidFile().toString());
        return "[ -f " + pid + " ] && kill -9 $(cat " + pid + ") 2>/dev/null";
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", base.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        // The log cleaner (compacted __consumer_offsets) otherwise keeps a 128 MiB dedupe buffer on the heap for
        // good: 8 MiB holds ~350,000 keys per pass, far more than Berth's consumer groups write.
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        Path config = base.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "written by Berth's KafkaBroker; rewritten at every start");
        }
        Files.writeString(base.resolve("log4j2.properties"), String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.out.ref = out",
                "logger.server.name = kafka.server.KafkaRaftServer",
                "logger.server.level = info",
                ""));
        return config;
    }

    private void format(Path config) {
        String classpath = libs + File.separator + "*";
        String clusterId = Commands.run(List.of(javaBinary(), "-cp", classpath, "kafka.tools.StorageTool",
                "random-uuid"), base, 120).lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElseThrow().strip();
        Commands.run(List.of(javaBinary(), "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", config.toString(), "--standalone"), base, 120);
    }

    private void awaitStarted(long logOffset) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (newLogText(logOffset).contains(STARTED)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see " + logFile()
                        + ":\n" + tail(newLogText(logOffset)));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka", e);
            }
        }
        stop();
        throw new IllegalStateException("Kafka did not start within " + START_TIMEOUT.toSeconds() + " s; see "
                + logFile());
    }

    private String newLogText(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile());
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private ProcessHandle pidFromFile() {
        try {
            if (!Files.exists(pidFile())) {
                return null;
            }
            long pid = Long.parseLong(Files.readString(pidFile()).strip());
            return ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> c.contains("kafka.Kafka"))
                    .orElse(false)).orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String brokerVersionFromLibs(Path libs) {
        try (var files = Files.list(libs)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("kafka_2\\.13-.*\\.jar"))
                    .map(n -> n.substring("kafka_2.13-".length(), n.length() - ".jar".length()))
                    .findFirst().orElse("missing");
        } catch (IOException e) {
            return "missing";
        }
    }

    /**
     * The broker jar directory: system property {@code berth.kafka.libs}, env {@code BERTH_KAFKA_LIBS}, or
     * {@code common/kafka-dist/target/lib} found by walking up from the working directory.
     */
    public static Path defaultLibs() {
        String configured = System.getProperty("berth.kafka.libs", System.getenv("BERTH_KAFKA_LIBS"));
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("common/kafka-dist/target/lib");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the Kafka broker jars: build common/kafka-dist or set "
                + "BERTH_KAFKA_LIBS");
    }
}
