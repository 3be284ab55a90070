package dev.berth.backup.engine;

import dev.berth.backup.config.BackupConfig;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PostgreSQL's client tools (pg_dump, pg_restore, pg_dumpall): which ones, which version, and how to start them
 * against an instance. Connection details go in the child's environment (PGHOST, PGPASSWORD, …), never on its
 * command line, where {@code ps} would show them.
 */
@ApplicationScoped
public class PgTools {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    @Inject
    BackupConfig config;

    private volatile Version version;

    /** A tool's version as it reports it, e.g. 15.14 → major 15. */
    public record Version(int major, String text) {
    }

    /** The pg_dump version, read once. */
    public Version version() {
        Version v = version;
        if (v == null) {
            v = readVersion(tool("pg_dump"));
            version = v;
        }
        return v;
    }

    /** Refuses (422) when pg_dump is older than the server: its dump would miss what it does not understand. */
    public void requireAtLeast(AdminConnection server) {
        requireAtLeast(version(), server);
    }

    static void requireAtLeast(Version tools, AdminConnection server) {
        if (tools.major() < server.serverMajor()) {
            throw new ProblemException(ProblemType.BACKUP_REFUSED, "pg_dump " + tools.text() + " is older than the "
                    + "PostgreSQL " + server.serverMajor() + " server of database " + server.database()
                    + "; install postgresql-client-" + server.serverMajor()
                    + " (or set berth.backup.pg-bin-dir) so backups can be taken and restored");
        }
    }

    /** A process builder for {@code tool} connected as {@code conn}'s admin to its database. */
    public ProcessBuilder command(String tool, AdminConnection conn, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(tool(tool).toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("PGHOST", conn.host());
        env.put("PGPORT", String.valueOf(conn.port()));
        env.put("PGUSER", conn.user());
        env.put("PGPASSWORD", conn.password());
        env.put("PGDATABASE", conn.database());
        env.put("PGSSLMODE", conn.sslmode() == null ? "prefer" : conn.sslmode());
        env.put("PGAPPNAME", "berth-backup");
        env.put("PGCONNECT_TIMEOUT", "10");
        return pb;
    }

    /** The path of a tool, from berth.backup.pg-bin-dir or the newest Debian PostgreSQL install. */
    public Path tool(String name) {
        Path dir = config.pgBinDir().map(Path::of).orElseGet(PgTools::newestDebianBin);
        Path tool = dir.resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new ProblemException(ProblemType.BACKUP_REFUSED, name + " was not found in " + dir
                    + "; install postgresql-client or set berth.backup.pg-bin-dir");
        }
        return tool;
    }

    static Path newestDebianBin() {
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            Optional<Path> newest = versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/pg_dump")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
            return newest.map(p -> p.resolve("bin")).orElse(Path.of("/usr/bin"));
        } catch (IOException e) {
            return Path.of("/usr/bin");
        }
    }

    static Version readVersion(Path tool) {
        try {
            Process p = new ProcessBuilder(tool.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + tool + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Parses {@code pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)}. */
    public static Version parse(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            throw new IllegalStateException("unexpected version output: " + versionOutput);
        }
        String text = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
        return new Version(Integer.parseInt(m.group(1)), text);
    }
}
