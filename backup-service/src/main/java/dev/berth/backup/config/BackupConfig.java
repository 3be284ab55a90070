package dev.berth.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All {@code berth.backup.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.backup")
public interface BackupConfig {

    DefaultSchedule defaultSchedule();

    /** The schedule every new database gets when its {@code DatabaseProvisioned} event arrives. */
    interface DefaultSchedule {
        /** Five-field cron (minute hour day month weekday), host time zone. */
        @WithDefault("0 3 * * *")
        String cron();

        @WithDefault("7")
        int retentionDays();

        /** Backups always kept, however old: retention never removes the newest ones. */
        @WithDefault("3")
        int keepLast();
    }
}
