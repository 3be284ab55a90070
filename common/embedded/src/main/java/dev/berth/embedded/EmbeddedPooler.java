package dev.berth.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * PgBouncer from the host's Debian package in front of the embedded {@link PostgresCluster}, for {@code ./berth up}
 * with {@code BERTH_POOLER=1}: the host install's setup ({@code install/lib/pgbouncer.sh}) on the embedded cluster.
 * Transaction pooling; apps are checked with scram-sha-256 against the verifier PgBouncer looks up through
 * {@code berth_pgbouncer.lookup()} (deploy/pgbouncer/lookup.sql, in every database and in template1), so no app
 * password is ever written down. PgBouncer logs in to the cluster as {@code berth_pgbouncer} over the cluster's
 * private socket by peer authentication (it runs as the cluster's OS user); its one file entry is the stats user's
 * SCRAM verifier. Like the cluster it listens on every address and admits, by its hba file, only loopback and Berth's
 * container networks.
 */
public final class EmbeddedPooler {

    static final String LOOKUP_ROLE = "berth_pgbouncer";
    static final String STATS_USER = "berth_pgbouncer_stats";

    private final Path base;
    private final int port;
    private final PostgresCluster postgres;

    public EmbeddedPooler(Path base, int port, PostgresCluster postgres) {
        this.base = base.toAbsolutePath();
        this.port = port;
        this.postgres = postgres;
    }

    public int port() {
        return port;
    }

    /**
     * Makes the roles, installs the lookup function where it is missing or older, writes the configuration and starts
     * PgBouncer (restarts it when its configuration changed). {@code statsPassword} is the provisioner's (hex).
     */
    public void start(String statsPassword) {
        if (!statsPassword.matches("[0-9a-f]{16,}")) {
            throw new IllegalArgumentException("the stats password is a generated hex string");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/pgbouncer"))) {
            throw new IllegalStateException("PgBouncer is not installed: apt-get install -y pgbouncer (or start "
                    + "without BERTH_POOLER=1)");
        }
        postgres.sql("postgres", """
                SELECT 'CREATE ROLE %1$s LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') \\gexec
                SELECT 'CREATE ROLE %2$s NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%2$s') \\gexec
                ALTER ROLE %2$s NOLOGIN PASSWORD '%3$s';
                """.formatted(LOOKUP_ROLE, STATS_USER, statsPassword));
        String lookup = lookupSql();
        String version = lookup.lines().filter(l -> l.startsWith("COMMENT ON FUNCTION")).findFirst()
                .map(l -> l.substring(l.indexOf(" IS '") + 5, l.lastIndexOf('\''))).orElseThrow();
        for (String database : postgres.sql("postgres",
                "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'postgres'").lines().toList()) {
            String current = postgres.sql(database, "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p "
                    + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'berth_pgbouncer' "
                    + "AND p.proname = 'lookup'");
            if (!current.equals(version)) {
                postgres.sql(database, lookup);
            }
            if (!database.equals("template1")) {
                // Databases made before pooling was switched on: the provisioner grants this on the ones it makes.
                postgres.sql("postgres", "GRANT CONNECT ON DATABASE \"" + database + "\" TO " + LOOKUP_ROLE);
            }
        }
        String verifier = postgres.sql("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = '"
                + STATS_USER + "'");
        if (!verifier.startsWith("SCRAM-SHA-256")) {
            throw new IllegalStateException(STATS_USER + " has no SCRAM verifier (password_encryption is not scram?)");
        }
        try {
            Files.createDirectories(base);
            boolean changed = writePrivate("userlist.txt", "\"" + STATS_USER + "\" \"" + verifier + "\"\n");
            changed |= writePrivate("hba.conf", hba());
            changed |= writePrivate("pgbouncer.ini", ini());
            chownToPostgres(base);
            if (isRunning()) {
                if (!changed) {
                    return;
                }
                stop();
            }
            if (FreePorts.inUse(port)) {
                throw new IllegalStateException("port " + port + " is taken; set BERTH_POOLER_PORT");
            }
            Files.deleteIfExists(base.resolve("pgbouncer.pid"));
            Commands.run(Commands.asPostgres(List.of("/usr/sbin/pgbouncer", "-d", "-q",
                    base.resolve("pgbouncer.ini").toString())), base, 30);
            awaitListening();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + base, e);
        }
    }

    public boolean isRunning() {
        Long pid = pid();
        return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops PgBouncer (SIGTERM: at once; the clients' transactions are the apps' to retry) and waits for it. */
    public void stop() {
        Long pid = pid();
        if (pid == null) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    private Long pid() {
        Path file = base.resolve("pgbouncer.pid");
        try {
            return Files.exists(file) ? Long.valueOf(Files.readString(file).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (isRunning() && FreePorts.inUse(port)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("PgBouncer did not start on port " + port + "; see " + base.resolve("pgbouncer.log"));
    }

    private String ini() {
        return """
                ; Written by Berth at every start (EmbeddedPooler): edits here are replaced.
                [databases]
                * = host=%1$s port=%2$d auth_user=%3$s

                [pgbouncer]
                listen_addr = *
                listen_port = %4$d
                unix_socket_dir =
                auth_type = hba
                auth_hba_file = %5$s/hba.conf
                auth_file = %5$s/userlist.txt
                auth_user = %3$s
                auth_query = SELECT usename, passwd FROM berth_pgbouncer.lookup($1)
                stats_users = %6$s
                pool_mode = transaction
                max_client_conn = 1000
                default_pool_size = 20
                reserve_pool_size = 5
                ignore_startup_parameters = extra_float_digits,options,IntervalStyle
                server_reset_query = DISCARD ALL
                log_connections = 1
                log_disconnections = 1
                logfile = %5$s/pgbouncer.log
                pidfile = %5$s/pgbouncer.pid
                """.formatted(postgres.socketDir(), postgres.port(), LOOKUP_ROLE, port, base, STATS_USER);
    }

    /** The cluster's own TCP rules: loopback and Berth's container networks, scram-sha-256; nothing else. */
    private static String hba() {
        StringBuilder hba = new StringBuilder("""
                # Written by Berth at every start (EmbeddedPooler): edits here are replaced.
                host  all  all  127.0.0.1/32  scram-sha-256
                host  all  all  ::1/128       scram-sha-256
                """);
        for (String subnet : PostgresCluster.CONTAINER_SUBNETS) {
            hba.append("host  all  all  ").append(subnet).append("  scram-sha-256\n");
        }
        return hba.toString();
    }

    static String lookupSql() {
        try (InputStream in = EmbeddedPooler.class.getResourceAsStream("lookup.sql")) {
            if (in == null) {
                throw new IllegalStateException("lookup.sql is missing from the embedded jar (rebuild: ./berth build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean writePrivate(String name, String content) throws IOException {
        Path file = base.resolve(name);
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return false;
        }
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, content);
        chownToPostgres(file);
        return true;
    }

    private static void chownToPostgres(Path path) {
        if (Commands.runningAsRoot()) {
            Commands.run(List.of("chown", "postgres:postgres", path.toString()), null, 30);
        }
    }
}
