package dev.berth.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** All {@code berth.backup.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.backup")
public interface BackupConfig {

    /** The global settings the service starts with; after that they live in the database (PUT /api/backup-settings). */
    DefaultSchedule defaultSchedule();

    Storage storage();

    /** How many backups, restores and verifications run at the same time, at most. */
    @WithDefault("2")
    int parallelism();

    /** pg_dump / pg_restore / pg_dumpall directory; by default the newest /usr/lib/postgresql/N/bin. */
    Optional<String> pgBinDir();

    /** Jobs (pg_restore -j needs a file) materialize downloaded or encrypted backups here. */
    @WithDefault("${java.io.tmpdir}/berth-backup-work")
    String workDir();

    /** How often due schedules are looked for. */
    @WithDefault("30s")
    Duration tick();

    /** How long past its due time a scheduled backup may take before the database counts as overdue. */
    @WithDefault("1h")
    Duration healthGrace();

    Verify verify();

    /** pg_restore -j jobs for restores and verifications. */
    @WithDefault("2")
    int restoreJobs();

    interface DefaultSchedule {
        @WithDefault("true")
        boolean enabled();

        /** Five-field cron (minute hour day month weekday) in the host time zone, or daily / weekly. */
        @WithDefault("0 3 * * *")
        String cron();

        @WithDefault("7")
        int retentionDays();

        /** Backups always kept, however old: retention never removes the newest ones. */
        @WithDefault("3")
        int keepLast();
    }

    interface Storage {
        /** {@code local} or {@code s3}. */
        @WithDefault("local")
        String kind();

        /** Encrypt backups at rest (AES-256-GCM streaming, key from the provisioner's vault). */
        @WithDefault("false")
        boolean encrypt();

        @WithDefault("${user.home}/.local/share/berth/backups")
        String localDir();

        S3 s3();
    }

    interface S3 {
        Optional<String> endpoint();

        @WithDefault("berth-backups")
        String bucket();

        @WithDefault("us-east-1")
        String region();

        Optional<String> accessKey();

        Optional<String> secretKey();

        /** Path-style addressing (most self-hosted S3-compatible servers want it). */
        @WithDefault("true")
        boolean pathStyle();

        /** Multipart upload part size in bytes (S3's minimum is 5 MiB). */
        @WithDefault("8388608")
        int partSize();
    }

    interface Verify {
        /** Restore the latest backup of each database into a scratch database on this schedule. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0 5 * * *")
        String cron();
    }
}
