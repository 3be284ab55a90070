package dev.berth.embedded;

import dev.berth.contracts.events.Topics;
import dev.berth.security.KeyPairFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The infrastructure half of {@code ./berth up|down|status}: the same {@link PostgresCluster} and
 * {@link KafkaBroker} the tests use, but durable and detached, under the Berth home directory. For each service it
 * creates a login role and database and writes {@code run/<service>/.env} (0600) with its connection settings,
 * which Quarkus reads from the service's working directory; passwords never go on a command line.
 *
 * <pre>
 * java -cp ... dev.berth.embedded.Embedded up|down|status --home DIR [--pg-port N] [--kafka-port N] [--pooler-port N]
 * </pre>
 *
 * With {@code --pooler-port} (the script's {@code BERTH_POOLER=1}) PgBouncer fronts the cluster ({@link EmbeddedPooler})
 * and the registry and provisioner are told its port; without it a PgBouncer left from an earlier run is stopped.
 */
public final class Embedded {

    static final List<String> SERVICES = List.of("registry", "provisioner", "backup", "gateway");

    private final Path home;
    private final PostgresCluster postgres;
    private final KafkaBroker kafka;
    private final EmbeddedPooler pooler;
    private final boolean pooled;

    Embedded(Path home, int pgPort, int kafkaPort, int controllerPort) {
        this(home, pgPort, kafkaPort, controllerPort, 0);
    }

    /** @param poolerPort PgBouncer's port, or 0 for none */
    Embedded(Path home, int pgPort, int kafkaPort, int controllerPort, int poolerPort) {
        this.home = home.toAbsolutePath();
        this.postgres = new PostgresCluster(this.home.resolve("postgres"), pgPort, true);
        this.kafka = new KafkaBroker(this.home.resolve("kafka"), KafkaBroker.defaultLibs(), kafkaPort, controllerPort);
        this.pooler = new EmbeddedPooler(this.home.resolve("pgbouncer"), poolerPort, postgres);
        this.pooled = poolerPort > 0;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            usage();
        }
        if (args[0].equals("await-ready")) {
            System.exit(HealthProbe.awaitAll(List.of(args).subList(1, args.length)) ? 0 : 1);
        }
        if (args[0].equals("probe")) {
            System.out.println(HealthProbe.status(args[1]));
            return;
        }
        if (args[0].equals("keys") && args.length == 2) {
            // The host install's internal key pair, made the same way as the embedded run's (kept when present).
            KeyPairFiles.ensure(Path.of(args[1]));
            return;
        }
        Map<String, String> options = options(args);
        if (args[0].equals("kafka-setup")) {
            try {
                KafkaSetup.run(options);
            } catch (RuntimeException e) {
                System.err.println("berth: " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        Path home = Path.of(options.getOrDefault("home", System.getProperty("user.home") + "/.local/share/berth"));
        int pgPort = Integer.parseInt(options.getOrDefault("pg-port", "15432"));
        int kafkaPort = Integer.parseInt(options.getOrDefault("kafka-port", "19092"));
        int poolerPort = Integer.parseInt(options.getOrDefault("pooler-port", "0"));
        Embedded embedded = new Embedded(home, pgPort, kafkaPort, kafkaPort + 1, poolerPort);
        try {
            switch (args[0]) {
                case "up" -> embedded.up();
                case "down" -> embedded.down();
                case "status" -> System.exit(embedded.status() ? 0 : 3);
                default -> usage();
            }
        } catch (RuntimeException e) {
            System.err.println("berth: " + e.getMessage());
            System.exit(1);
        }
    }

    public void up() throws IOException {
        Files.createDirectories(home);
        if (!postgres.isRunning()) {
            if (FreePorts.inUse(postgres.port())) {
                throw new IllegalStateException("port " + postgres.port() + " is taken; set BERTH_PG_PORT");
            }
            postgres.start();
        }
        KeyPairFiles.ensure(home.resolve("keys"));
        for (String service : SERVICES) {
            prepareService(service);
        }
        // ./berth starts the services on this line (their settings are written), while Kafka starts below.
        System.out.println("postgres: running on 127.0.0.1:" + postgres.port() + " (data " + postgres.dataDir() + ")");
        if (pooled) {
            pooler.start(secret(EmbeddedPooler.STATS_USER));
            System.out.println("pgbouncer: running on 127.0.0.1:" + pooler.port() + " (transaction pooling)");
        } else if (pooler.isRunning()) {
            pooler.stop();
            System.out.println("pgbouncer: stopped (BERTH_POOLER is not set)");
        }
        if (!kafka.isRunning()) {
            if (FreePorts.inUse(kafka.port())) {
                throw new IllegalStateException("port " + kafka.port() + " is taken; set BERTH_KAFKA_PORT");
            }
            kafka.start(true);
        }
        kafka.createTopics(Topics.ALL, 3);
        System.out.println("kafka: running on " + kafka.bootstrapServers());
    }

    public int postgresPort() {
        return postgres.port();
    }

    public void down() {
        if (pooler.isRunning()) {
            pooler.stop();
            System.out.println("pgbouncer: stopped");
        }
        kafka.stop();
        System.out.println("kafka: stopped");
        postgres.stop();
        System.out.println("postgres: stopped");
    }

    public boolean status() {
        boolean pg = postgres.isRunning();
        boolean broker = kafka.isRunning();
        System.out.println("postgres: " + (pg ? "running on 127.0.0.1:" + postgres.port() : "stopped"));
        System.out.println("kafka: " + (broker ? "running on " + kafka.bootstrapServers() : "stopped"));
        boolean bouncer = !pooled || pooler.isRunning();
        if (pooled || pooler.isRunning()) {
            System.out.println("pgbouncer: " + (pooler.isRunning() ? "running" : "stopped"));
        }
        return pg && broker && bouncer;
    }

    /** A generated password kept in {@code secrets/NAME.password} (0600), made on first use. */
    private String secret(String name) throws IOException {
        Path secrets = home.resolve("secrets");
        Files.createDirectories(secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        Path passwordFile = secrets.resolve(name + ".password");
        if (Files.exists(passwordFile)) {
            return Files.readString(passwordFile).strip();
        }
        String password = PostgresCluster.randomSecret();
        writePrivate(passwordFile, password + "\n");
        return password;
    }

    /** Role {@code berth_<service>} owning database {@code berth_<service>}; password kept in secrets/ (0600). */
    private void prepareService(String service) throws IOException {
        String name = "berth_" + service;
        Path secrets = home.resolve("secrets");
        String password = secret(name);
        postgres.ensureLoginRole(name, password);
        postgres.ensureDatabase(name, name);
        Path runDir = home.resolve("run").resolve(service);
        Files.createDirectories(runDir);
        writePrivate(runDir.resolve(".env"), String.join("\n",
                "BERTH_DB_HOST=" + postgres.host(),
                "BERTH_DB_PORT=" + postgres.port(),
                "BERTH_DB_NAME=" + name,
                "BERTH_DB_USER=" + name,
                "BERTH_DB_PASSWORD=" + password,
                "KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers(),
                "BERTH_INSTANCE_HOST=" + postgres.host(),
                "BERTH_INSTANCE_PORT=" + postgres.port(),
                "BERTH_KEYS_DIR=" + home.resolve("keys"),
                "") + poolerSettings(service) + instanceAdmin(service, secrets));
    }

    /** PgBouncer's port for the registry (connection strings) and the provisioner (grants, statistics). */
    private String poolerSettings(String service) throws IOException {
        if (!pooled || !("registry".equals(service) || "provisioner".equals(service))) {
            return "";
        }
        String port = "BERTH_POOLER_PORT=" + pooler.port() + "\n";
        return "registry".equals(service) ? port
                : port + "BERTH_POOLER_STATS_PASSWORD=" + secret(EmbeddedPooler.STATS_USER) + "\n";
    }

    /**
     * Only the provisioner gets the default instance's admin password (the embedded PostgreSQL's superuser) and
     * the vault key file; every other service reaches instances through it. The backup service gets its directory.
     */
    private String instanceAdmin(String service, Path secrets) {
        if ("gateway".equals(service)) {
            // The first administrator's password, made by the gateway on its first start (never logged).
            return "BERTH_ADMIN_PASSWORD_FILE=" + secrets.resolve("admin.password") + "\n";
        }
        if ("backup".equals(service)) {
            // Backups live next to the rest of the state; the operator can point BERTH_BACKUP_DIR elsewhere.
            return "BERTH_BACKUP_DIR=" + secrets.getParent().resolve("backups") + "\n";
        }
        if (!"provisioner".equals(service)) {
            return "";
        }
        return String.join("\n",
                "BERTH_INSTANCE_ADMIN_USER=" + PostgresCluster.ADMIN_USER,
                "BERTH_INSTANCE_ADMIN_PASSWORD=" + postgres.adminPassword(),
                "BERTH_VAULT_KEY_FILE=" + secrets.resolve("vault.key"),
                "");
    }

    private static void writePrivate(Path file, String content) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, content);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage();
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static void usage() {
        System.err.println("usage: Embedded up|down|status --home DIR [--pg-port N] [--kafka-port N] [--pooler-port N]\n"
                + "       Embedded await-ready TIMEOUT_SECONDS NAME=URL...\n"
                + "       Embedded probe URL\n"
                + "       Embedded keys DIR\n"
                + "       Embedded kafka-setup --admin-config FILE --user NAME --password-file FILE");
        System.exit(2);
    }
}
