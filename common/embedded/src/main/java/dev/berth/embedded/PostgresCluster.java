package dev.berth.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private PostgreSQL 15+ cluster from the host's Debian packages: initdb into {@code base/data} (skipped when
 * the cluster already exists, so restarts keep data), unix socket in {@code base/socket} (directory 0700, so only
 * the cluster's OS user reaches it). Authentication is Berth's, rewritten at every start so an older cluster
 * initialised with {@code trust} is fixed too: {@code peer} for superuser {@code postgres} from the OS user that runs
 * the cluster (no other OS user may take that name), scram-sha-256 for every other socket login and over TCP; no
 * {@code trust} line at all. The superuser's password lives in {@code base/admin.password} (0600).
 */
public final class PostgresCluster {

    public static final String ADMIN_USER = "postgres";

    private final Path base;
    private final int port;
    private final boolean durable;
    private final Path binDir;

    /**
     * @param durable false turns off fsync and friends: fine for throwaway test clusters, never for real data
     */
    public PostgresCluster(Path base, int port, boolean durable) {
        this.base = base.toAbsolutePath();
        this.port = port;
        this.durable = durable;
        this.binDir = findBinaries();
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path socketDir() {
        return base.resolve("socket");
    }

    public Path dataDir() {
        return base.resolve("data");
    }

    public Path logFile() {
        return base.resolve("postgres.log");
    }

    public String adminPassword() {
        try {
            return Files.readString(base.resolve("admin.password")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the cluster at " + base + " has no admin password file", e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Creates the cluster if needed and starts it; returns once it accepts connections. */
    public void start() {
        try {
            Files.createDirectories(socketDir());
            handOverToPostgres(base);
            if (Commands.runningAsRoot() && Commands.tryRun(List.of("runuser", "-u", "postgres", "--", "test", "-w",
                    base.toString()), null, 30, null).exitCode() != 0) {
                throw new IllegalStateException("the postgres user cannot write to " + base + " (is a parent "
                        + "directory private to root?): choose a state directory such as /var/lib/berth");
            }
            if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
                initdb();
            }
            handOverToPostgres(base);
            handOverToPostgres(socketDir());
            Files.setPosixFilePermissions(socketDir(), PosixFilePermissions.fromString("rwx------"));
            boolean hbaChanged = writeAuthentication();
            if (isRunning()) {
                if (hbaChanged) {
                    Commands.run(Commands.asPostgres(List.of(bin("pg_ctl"), "-D", dataDir().toString(), "reload")),
                            base, 30);
                }
                return;
            }
            List<String> options = new ArrayList<>(List.of("-p", String.valueOf(port), "-k", socketDir().toString(),
                    "-c", "listen_addresses=*", "-c", "max_connections=300", "-c", "unix_socket_permissions=0700"));
            if (!durable) {
                options.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
            }
            Commands.run(Commands.asPostgres(List.of(bin("pg_ctl"), "-D", dataDir().toString(), "-l",
                    logFile().toString(), "-w", "-t", "60", "-o", String.join(" ", options), "start")), base, 90);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + base, e);
        }
    }

    public boolean isRunning() {
        if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
            return false;
        }
        return Commands.tryRun(Commands.asPostgres(List.of(bin("pg_ctl"), "-D", dataDir().toString(), "status")),
                base, 30, null).exitCode() == 0;
    }

    /** Stops the cluster ({@code fast}: waits for nothing but aborts open transactions). */
    public void stop() {
        if (isRunning()) {
            Commands.run(Commands.asPostgres(List.of(bin("pg_ctl"), "-D", dataDir().toString(), "-m", "fast", "-w",
                    "stop")), base, 90);
        }
    }

    /** The shell command that stops this cluster at once; used by the watchdog. */
    public String emergencyStopCommand() {
        String command = ProcessWatchdog.quote(bin("pg_ctl")) + " -D " + ProcessWatchdog.quote(dataDir().toString())
                + " -m immediate stop";
        return Commands.runningAsRoot() ? "runuser -u postgres -- " + command : command;
    }

    /** Runs SQL as the superuser over the unix socket and returns psql's unaligned output. */
    public String sql(String database, String sql) {
        return Commands.run(Commands.asPostgres(List.of(bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", socketDir().toString(), "-p", String.valueOf(port), "-U", ADMIN_USER, "-d", database, "-f", "-")),
                base, 60, sql).strip();
    }

    /** Creates the database unless it exists. The name must be a plain lower-case identifier. */
    public void ensureDatabase(String name, String owner) {
        requireIdentifier(name);
        requireIdentifier(owner);
        if (sql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + name + "'").isEmpty()) {
            sql("postgres", "CREATE DATABASE " + name + " OWNER " + owner);
        }
    }

    /** Creates or updates a login role with the given password (hex only, so it needs no quoting). */
    public void ensureLoginRole(String name, String password) {
        requireIdentifier(name);
        if (!password.matches("[0-9a-f]{16,}")) {
            throw new IllegalArgumentException("service passwords are generated hex strings");
        }
        String verb = sql("postgres", "SELECT 1 FROM pg_roles WHERE rolname = '" + name + "'").isEmpty()
                ? "CREATE" : "ALTER";
        sql("postgres", verb + " ROLE " + name + " LOGIN PASSWORD '" + password + "'");
    }

    /** The data network of the test harness' app containers (its own, beside Berth's default). */
    public static final String TEST_SUBNET = "172.31.240.0/24";
    /** Berth's default {@code berth-data} subnet and the tests' own. */
    static final List<String> CONTAINER_SUBNETS = List.of("172.30.0.0/16", TEST_SUBNET);

    static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
    }

    /**
     * Writes pg_hba.conf and pg_ident.conf; returns whether either changed (a running server then reloads). App
     * containers reach this cluster through their network's gateway (Podman's {@code host.containers.internal}), so
     * it listens on every address; over TCP it admits only loopback and Berth's container networks, with scram.
     */
    private boolean writeAuthentication() throws IOException {
        String osUser = Commands.runningAsRoot() ? "postgres" : System.getProperty("user.name");
        StringBuilder hba = new StringBuilder("""
                # Written by Berth at every start (PostgresCluster): edits here are replaced.
                # TYPE  DATABASE  USER      ADDRESS  METHOD
                local   all       postgres           peer map=berth
                local   all       berth_pgbouncer    peer map=berth
                local   all       all                scram-sha-256
                host    all       all       127.0.0.1/32  scram-sha-256
                host    all       all       ::1/128       scram-sha-256
                # Berth's container networks (berth-data and the tests' network)
                """);
        for (String subnet : CONTAINER_SUBNETS) {
            hba.append("host    all       all       ").append(subnet).append("  scram-sha-256\n");
        }
        // PgBouncer (EmbeddedPooler) runs as that OS user too and looks up app logins as berth_pgbouncer.
        String ident = "# Written by Berth: only the OS user that runs the cluster is superuser postgres by peer.\n"
                + "berth  " + osUser + "  " + ADMIN_USER + "\n"
                + "berth  " + osUser + "  berth_pgbouncer\n";
        boolean changed = replaceIfDifferent(dataDir().resolve("pg_hba.conf"), hba.toString());
        return replaceIfDifferent(dataDir().resolve("pg_ident.conf"), ident) || changed;
    }

    private static boolean replaceIfDifferent(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return false;
        }
        // Written in place: the file keeps its owner (postgres) and its 0600 mode.
        Files.writeString(file, content);
        return true;
    }

    private void initdb() throws IOException {
        Path passwordFile = base.resolve("admin.password");
        String password = randomSecret();
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        // initdb runs as postgres and must read the password: hand it a copy it owns, deleted right after.
        Path initPassword = Files.createTempFile(base, "initdb", ".pw");
        try {
            Files.writeString(initPassword, password + "\n");
            handOverToPostgres(base);
            handOverToPostgres(initPassword);
            Commands.run(Commands.asPostgres(List.of(bin("initdb"), "-D", dataDir().toString(), "-U", ADMIN_USER,
                    "--auth-local=peer", "--auth-host=scram-sha-256", "--pwfile=" + initPassword, "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-instructions")), base, 180);
        } finally {
            Files.deleteIfExists(initPassword);
        }
    }

    private static void handOverToPostgres(Path path) {
        if (Commands.runningAsRoot()) {
            Commands.run(List.of("chown", "postgres:postgres", path.toString()), null, 30);
        }
    }

    private String bin(String name) {
        return binDir.resolve(name).toString();
    }

    /** {@code $BERTH_PG_BIN}, else the newest /usr/lib/postgresql/N/bin with N ≥ 15. */
    static Path findBinaries() {
        String configured = System.getenv("BERTH_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .filter(v -> Integer.parseInt(v.getFileName().toString()) >= 15)
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                        .map(v -> v.resolve("bin"))
                        .orElseThrow(PostgresCluster::missing);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw missing();
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("PostgreSQL 15 server binaries not found; install them with "
                + "'apt-get install -y postgresql-15 postgresql-client-15' or set BERTH_PG_BIN");
    }
}
