package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import dev.berth.backup.engine.PgTools;
import dev.berth.backup.engine.ToolRun;
import dev.berth.contracts.provisioning.AdminConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code pg_restore -j} from a file into a database, stopping at the first error. */
@ApplicationScoped
public class RestoreTool {

    @Inject
    PgTools tools;

    @Inject
    BackupConfig config;

    /** How the restored objects are owned. */
    public enum Ownership {
        /** As in the dump (same instance, same roles: an in-place restore). */
        AS_DUMPED,
        /** Everything owned by the target database's owner role, no grants copied (a restore into a new database). */
        TARGET_OWNER,
        /** Owned by the admin, no grants (a scratch copy for verification). */
        ADMIN
    }

    /** Restores {@code file} into {@code target}; throws with pg_restore's stderr summary when it fails. */
    public void restore(Path file, AdminConnection target, Ownership ownership) throws IOException {
        List<String> args = new ArrayList<>(List.of("--exit-on-error", "--no-password",
                "--jobs=" + Math.max(1, config.restoreJobs()), "--dbname=" + target.database()));
        if (ownership != Ownership.AS_DUMPED) {
            args.addAll(List.of("--no-owner", "--no-acl"));
        }
        if (ownership == Ownership.TARGET_OWNER) {
            args.add("--role=" + target.ownerRole());
        }
        args.add(file.toString());
        ToolRun.check("pg_restore", tools.command("pg_restore", target, args));
    }
}
