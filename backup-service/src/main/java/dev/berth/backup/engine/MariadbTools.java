package dev.berth.backup.engine;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MariaDB's (and MySQL's) client tools from the host: {@code mariadb-dump --single-transaction} of one database (a
 * consistent snapshot without locking InnoDB tables; routines, triggers and events with it), {@code mariadb} to load
 * a dump. The password reaches them in {@code MYSQL_PWD}, never on a command line.
 */
@ApplicationScoped
public class MariadbTools {

    private static final List<Path> BIN = List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"));

    /** Streams a dump of {@code conn.database()} (its tables, no CREATE DATABASE: it can go into any database). */
    public void dump(AdminConnection conn, OutputStream out) throws IOException {
        ToolRun.streamInto("mariadb-dump", command("mariadb-dump", conn, List.of("--single-transaction",
                "--routines", "--triggers", "--events", "--hex-blob", "--default-character-set=utf8mb4",
                "--no-tablespaces", conn.database())), out);
    }

    /** Loads {@code file} into {@code target.database()}, stopping at the first error. */
    public void restore(Path file, AdminConnection target) throws IOException {
        ToolRun.check("mariadb", command("mariadb", target, List.of("--batch", target.database()))
                .redirectInput(file.toFile()));
    }

    /** Tables, and rows counted exactly (estimates of a freshly loaded InnoDB table are too rough to compare). */
    public DatabaseShape shape(AdminConnection conn) throws IOException {
        List<String> tables = query(conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                + "DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1");
        if (tables.isEmpty()) {
            return new DatabaseShape(0, 0);
        }
        List<String> counts = new ArrayList<>();
        for (String table : tables) {
            counts.add("(SELECT count(*) FROM `" + table.replace("`", "``") + "`)");
        }
        List<String> rows = query(conn, "SELECT " + String.join(" + ", counts));
        return new DatabaseShape(tables.size(), Long.parseLong(rows.get(0).strip()));
    }

    /** The client's version line ({@code mariadb-dump from 10.11.x-MariaDB …}). */
    public String version() {
        try {
            Process p = new ProcessBuilder(tool("mariadb-dump").toString(), "--version").redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            ToolRun.await(p);
            return text.length() > 80 ? text.substring(0, 80) : text;
        } catch (IOException e) {
            return "mariadb-dump (version unknown)";
        }
    }

    private List<String> query(AdminConnection conn, String sql) throws IOException {
        Path out = Files.createTempFile("mariadb-", ".out");
        try {
            ToolRun.check("mariadb", command("mariadb", conn, List.of("--batch", "--skip-column-names", "-e", sql,
                    conn.database())).redirectOutput(out.toFile()));
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    ProcessBuilder command(String tool, AdminConnection conn, List<String> args) {
        List<String> command = new ArrayList<>(List.of(tool(tool).toString(), "--host=" + conn.host(),
                "--port=" + conn.port(), "--user=" + conn.user()));
        if (tool.equals("mariadb")) {
            command.add("--connect-timeout=10"); // mariadb-dump has no such option
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("MYSQL"));
        pb.environment().put("MYSQL_PWD", conn.password());
        return pb;
    }

    static Path tool(String name) {
        for (Path dir : BIN) {
            if (Files.isExecutable(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new ProblemException(ProblemType.BACKUP_REFUSED, name + " is not installed: apt-get install -y "
                + "mariadb-client (it backs up and restores MariaDB and MySQL databases)");
    }
}
