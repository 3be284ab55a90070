package dev.berth.backup.engine;

import dev.berth.backup.config.BackupConfig;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How each engine's databases are dumped, loaded and measured: PostgreSQL with {@code pg_dump -Fc} and
 * {@code pg_restore -j}, MariaDB/MySQL with {@code mariadb-dump --single-transaction} and {@code mariadb}, Redis as
 * its keys ({@link RedisKeys}). Everything else about a backup (streaming, sha256, storage, encryption, schedules,
 * retention, verification, restore phases) is the same for all of them.
 */
@ApplicationScoped
public class Dumps {

    /**
     * The schema holding PgBouncer's auth lookup (install/lib/pgbouncer.sh), which every database created from
     * template1 inherits on an installed host. It belongs to the host, not to the app: a dump leaves it out, so that
     * a restore into a new database (which has it already) does not collide with it.
     */
    static final String POOLER_SCHEMA = "berth_pgbouncer";


    /** How restored objects are owned (PostgreSQL; the other engines have no owners inside a database). */
    public enum Ownership {
        /** As in the dump (same instance, same roles: an in-place restore). */
        AS_DUMPED,
        /** Everything owned by the target database's owner role, no grants copied (a restore into a new database). */
        TARGET_OWNER,
        /** Owned by the admin, no grants (a scratch copy for verification). */
        ADMIN
    }

    @Inject
    PgTools pg;

    @Inject
    MariadbTools mariadb;

    @Inject
    RedisKeys redis;

    @Inject
    BackupConfig config;

    /** Refuses (422) what cannot be backed up here (an old pg_dump, a missing client). */
    public void requireTools(AdminConnection conn) {
        switch (conn.engine()) {
            case "postgresql" -> pg.requireAtLeast(conn);
            case "mariadb", "mysql" -> MariadbTools.tool("mariadb-dump");
            case "redis" -> { }
            default -> throw unsupported(conn.engine());
        }
    }

    /**
     * Streams the dump into {@code out}; returns the shape of what it holds when the dump itself knows it exactly
     * (Redis: the keys it wrote), else null (then {@link #shape} reads it from the source).
     */
    public DatabaseShape dump(AdminConnection conn, OutputStream out) throws IOException {
        switch (conn.engine()) {
            case "postgresql" -> ToolRun.streamInto("pg_dump", pg.command("pg_dump", conn,
                    List.of("--format=custom", "--no-password", "--exclude-schema=" + POOLER_SCHEMA)), out);
            case "mariadb", "mysql" -> mariadb.dump(conn, out);
            case "redis" -> {
                long keys = redis.dump(conn, out);
                return new DatabaseShape((int) Math.min(Integer.MAX_VALUE, keys), keys);
            }
            default -> throw unsupported(conn.engine());
        }
        return null;
    }

    /** Loads {@code file} into {@code target} (an empty database); throws with the tool's own summary on failure. */
    public void restore(Path file, AdminConnection target, Ownership ownership) throws IOException {
        switch (target.engine()) {
            case "postgresql" -> {
                List<String> args = new ArrayList<>(List.of("--exit-on-error", "--no-password",
                        "--jobs=" + Math.max(1, config.restoreJobs()), "--dbname=" + target.database()));
                if (ownership != Ownership.AS_DUMPED) {
                    args.addAll(List.of("--no-owner", "--no-acl"));
                }
                if (ownership == Ownership.TARGET_OWNER) {
                    args.add("--role=" + target.ownerRole());
                }
                Path list = withoutPoolerSchema(file);
                try {
                    if (list != null) {
                        args.add("--use-list=" + list);
                    }
                    args.add(file.toString());
                    ToolRun.check("pg_restore", pg.command("pg_restore", target, args));
                } finally {
                    if (list != null) {
                        Files.deleteIfExists(list);
                    }
                }
            }
            case "mariadb", "mysql" -> mariadb.restore(file, target);
            case "redis" -> redis.restore(file, target);
            default -> throw unsupported(target.engine());
        }
    }

    /**
     * A dump made elsewhere on an installed host (an imported one) may hold the pooler's schema, which the target has
     * already: then a table of contents without it, for {@code pg_restore --use-list} (pg_restore 15 has no
     * --exclude-schema). Null when the dump has none of it.
     */
    Path withoutPoolerSchema(Path file) throws IOException {
        Path listing = Files.createTempFile("berth-toc-", ".list");
        boolean handedBack = false;
        try {
            ToolRun.check("pg_restore", new ProcessBuilder(List.of(pg.tool("pg_restore").toString(), "--list",
                    file.toString())).redirectOutput(listing.toFile()));
            List<String> lines = Files.readAllLines(listing);
            List<String> kept = lines.stream().filter(line -> !inPoolerSchema(line)).toList();
            if (kept.size() == lines.size()) {
                return null;
            }
            Files.write(listing, kept);
            handedBack = true;
            return listing;
        } finally {
            if (!handedBack) {
                Files.deleteIfExists(listing);
            }
        }
    }

    /**
     * A table-of-contents entry of the pooler's schema: {@code 5; 2615 16385 SCHEMA - berth_pgbouncer postgres},
     * {@code 220; 1255 16386 FUNCTION berth_pgbouncer lookup(text) postgres}, and their ACL and COMMENT entries.
     */
    static boolean inPoolerSchema(String tocLine) {
        if (tocLine.startsWith(";") || tocLine.isBlank()) {
            return false;
        }
        return (" " + tocLine + " ").contains(" " + POOLER_SCHEMA + " ");
    }

    /** Tables and rows (keys, for Redis) of a live database, or of a copy just restored ({@code fresh}). */
    public DatabaseShape shape(AdminConnection conn, boolean fresh) throws IOException, SQLException {
        return switch (conn.engine()) {
            case "postgresql" -> fresh ? DatabaseShape.ofRestoredCopy(conn) : DatabaseShape.ofSource(conn);
            case "mariadb", "mysql" -> mariadb.shape(conn);
            case "redis" -> redis.shape(conn);
            default -> throw unsupported(conn.engine());
        };
    }

    public String toolVersion(AdminConnection conn) {
        return switch (conn.engine()) {
            case "postgresql" -> pg.version().text();
            case "mariadb", "mysql" -> mariadb.version();
            default -> "berth " + conn.engine() + " keys 1";
        };
    }

    public String serverVersion(AdminConnection conn) {
        if (!conn.postgresql()) {
            return conn.engine();
        }
        int num = conn.serverVersionNum();
        return (num / 10000) + "." + (num % 10000);
    }

    /** The file name's ending: what a person who downloads it can open it with. */
    public static String extension(String engine) {
        return switch (engine) {
            case "mariadb", "mysql" -> ".sql";
            case "redis" -> ".redis-keys";
            default -> ".dump";
        };
    }

    private static ProblemException unsupported(String engine) {
        return new ProblemException(ProblemType.BACKUP_REFUSED, "mongodb".equals(engine)
                ? "backups of MongoDB databases need mongodump (MongoDB's database tools are not in Debian) and are "
                        + "not built yet; back up the instance's volume meanwhile"
                : "Berth cannot back up " + engine + " databases yet");
    }
}
