package dev.berth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole suite as {@code ./berth up} starts it for a user, on a state directory and ports of its own (the jars this
 * build just made): PostgreSQL, Kafka, Podman and its hook, the four services. For tests that need all of it at once.
 */
public final class RunningBerth implements AutoCloseable {

    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    private RunningBerth(Path home) {
        this.home = home;
    }

    public static RunningBerth up() {
        return up(Map.of());
    }

    /**
     * With {@code withPooler}, PgBouncer fronts the embedded PostgreSQL ({@code BERTH_POOLER=1}) on a port of its
     * own, as a user gets it with {@code BERTH_POOLER=1 ./berth up}.
     */
    public static RunningBerth up(boolean withPooler) {
        return up(withPooler ? Map.of("BERTH_POOLER", "1", "BERTH_POOLER_PORT", String.valueOf(FreePorts.next()))
                : Map.of());
    }

    private static RunningBerth up(Map<String, String> extra) {
        Path home;
        try {
            home = Files.createTempDirectory(Path.of("/tmp"), "berth-run-");
            // Like /var/lib/berth: the postgres user must reach its directory inside.
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RunningBerth berth = new RunningBerth(home);
        berth.env.put("BERTH_HOME", home.toString());
        berth.env.put("BERTH_NO_BUILD", "1");
        for (String port : List.of("BERTH_GATEWAY_PORT", "BERTH_REGISTRY_PORT", "BERTH_PROVISIONER_PORT",
                "BERTH_BACKUP_PORT", "BERTH_PG_PORT")) {
            berth.env.put(port, String.valueOf(FreePorts.next()));
        }
        int kafka = FreePorts.next();
        while (FreePorts.inUse(kafka + 1)) {
            kafka = FreePorts.next();
        }
        berth.env.put("BERTH_KAFKA_PORT", String.valueOf(kafka));
        berth.env.putAll(extra);
        Commands.Result up = berth.run(300, "up");
        assertEquals(0, up.exitCode(), up.output());
        assertTrue(up.output().contains("Berth is up."), up.output());
        return berth;
    }

    public Path home() {
        return home;
    }

    public Map<String, String> env() {
        return env;
    }

    public String gateway() {
        return "http://127.0.0.1:" + env.get("BERTH_GATEWAY_PORT");
    }

    public String pgPort() {
        return env.get("BERTH_PG_PORT");
    }

    /** PgBouncer's port, when this run has one. */
    public String poolerPort() {
        return env.get("BERTH_POOLER_PORT");
    }

    /** The first administrator's generated password. */
    public String adminPassword() {
        try {
            return Files.readString(home.resolve("secrets/admin.password")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SQL as the embedded PostgreSQL's superuser over its socket (peer, as the OS user postgres); psql's output. */
    public String sql(String database, String sql) {
        List<String> psql = List.of("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                home.resolve("postgres/socket").toString(), "-p", pgPort(), "-U", "postgres", "-d", database, "-f", "-");
        List<String> command = new ArrayList<>();
        if (Commands.runningAsRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(psql);
        Commands.Result result = Commands.tryRun(command, Map.of(), home, 60, sql);
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    /** {@code ./berth <args>} against this run. */
    public Commands.Result run(int seconds, String... args) {
        List<String> command = new ArrayList<>(List.of("timeout", String.valueOf(seconds),
                Path.of("..").toAbsolutePath().normalize().resolve("berth").toString()));
        command.addAll(List.of(args));
        return Commands.tryRun(command, env, null, seconds + 30, null);
    }

    /** {@code ./berth down}, then the state directory is removed (its logs are kept under target/berth-runs). */
    @Override
    public void close() {
        Commands.Result down = run(120, "down");
        Path kept = Path.of("target/berth-runs", home.getFileName().toString());
        Commands.tryRun(List.of("mkdir", "-p", kept.toString()), null, 10, null);
        Commands.tryRun(List.of("cp", "-r", home.resolve("logs").toString(), kept.toString()), null, 30, null);
        Commands.tryRun(List.of("rm", "-rf", home.toString()), null, 60, null);
        assertEquals(0, down.exitCode(), down.output());
    }
}
